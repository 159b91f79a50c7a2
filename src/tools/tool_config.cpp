#include "mobilelink/tools/tool_config.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include <yaml-cpp/yaml.h>

namespace mobilelink::tools {
namespace {

std::string TrimTrailingSlash(std::string url) {
  while (!url.empty() && url.back() == '/') {
    url.pop_back();
  }
  return url;
}

std::string ScalarOrEmpty(const YAML::Node& node) {
  if (!node || !node.IsScalar()) {
    return {};
  }
  return ResolveEnvReferences(node.as<std::string>());
}

// Resolves values eagerly but defers the error for an unset variable to the first Get, so one
// inbox whose secrets are not in this environment does not stop a tool that uses another.
void CopyScalars(const YAML::Node& map, ToolInbox& inbox) {
  for (const auto& entry : map) {
    if (!entry.second.IsScalar()) {
      continue;
    }
    const auto key = entry.first.as<std::string>();
    try {
      inbox.settings[key] = ResolveEnvReferences(entry.second.as<std::string>());
    } catch (const ToolConfigError& error) {
      inbox.unresolved[key] = error.what();
    }
  }
}

ToolInbox ParseInbox(const YAML::Node& node, std::size_t index) {
  if (!node.IsMap()) {
    throw ToolConfigError("inboxes[" + std::to_string(index) + "] must be a mapping");
  }
  ToolInbox inbox;
  CopyScalars(node, inbox);
  if (node["settings"] && node["settings"].IsMap()) {
    CopyScalars(node["settings"], inbox);
  }
  inbox.id = inbox.Get("id");
  inbox.channel = inbox.Get("channel");
  if (inbox.id.empty()) {
    throw ToolConfigError("inboxes[" + std::to_string(index) + "].id is missing");
  }
  if (node["bot"] && node["bot"].IsMap()) {
    inbox.handoff_message = ScalarOrEmpty(node["bot"]["handoff_message"]);
  }
  return inbox;
}

}  // namespace

std::string ToolInbox::Get(std::string_view key) const {
  const auto missing = unresolved.find(std::string(key));
  if (missing != unresolved.end()) {
    throw ToolConfigError("inbox " + id + ": " + missing->second);
  }
  const auto it = settings.find(std::string(key));
  return it == settings.end() ? std::string() : it->second;
}

const ToolInbox* ToolConfig::FindInbox(std::string_view id) const {
  for (const auto& inbox : inboxes) {
    if (inbox.id == id) {
      return &inbox;
    }
  }
  return nullptr;
}

const ToolInbox* ToolConfig::FindWhatsAppInbox(std::string_view phone_number_id) const {
  for (const auto& inbox : inboxes) {
    if (inbox.channel == "whatsapp" && inbox.Get("phone_number_id") == phone_number_id) {
      return &inbox;
    }
  }
  return nullptr;
}

const ToolInbox* ToolConfig::FindTwilioInbox(std::string_view account_sid) const {
  for (const auto& inbox : inboxes) {
    if (inbox.channel == "twilio_sms" && inbox.Get("account_sid") == account_sid) {
      return &inbox;
    }
  }
  return nullptr;
}

std::string ToolConfig::HandoffMessage(const ToolInbox& inbox) const {
  return inbox.handoff_message.empty() ? handoff_message : inbox.handoff_message;
}

std::string ResolveEnvReferences(std::string_view value) {
  std::string result;
  std::size_t pos = 0;
  while (pos < value.size()) {
    const auto open = value.find("${", pos);
    const auto close = open == std::string_view::npos ? open : value.find('}', open);
    if (close == std::string_view::npos) {
      result.append(value.substr(pos));
      break;
    }
    result.append(value.substr(pos, open - pos));
    const std::string name(value.substr(open + 2, close - open - 2));
    const char* env = std::getenv(name.c_str());
    if (env == nullptr) {
      throw ToolConfigError("environment variable " + name +
                            " is not set; the config refers to "
                            "it as ${" +
                            name + "}");
    }
    result.append(env);
    pos = close + 1;
  }
  return result;
}

ToolConfig ParseToolConfig(std::string_view yaml) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& error) {
    throw ToolConfigError(std::string("invalid YAML: ") + error.what());
  }
  ToolConfig config;
  if (!root.IsMap()) {
    return config;
  }
  if (root["server"] && root["server"].IsMap()) {
    config.public_url = TrimTrailingSlash(ScalarOrEmpty(root["server"]["public_url"]));
  }
  if (root["bot"] && root["bot"].IsMap()) {
    config.handoff_message = ScalarOrEmpty(root["bot"]["handoff_message"]);
    config.fallback_message = ScalarOrEmpty(root["bot"]["fallback_message"]);
  }
  const auto inboxes = root["inboxes"];
  if (inboxes && inboxes.IsSequence()) {
    for (std::size_t i = 0; i < inboxes.size(); ++i) {
      config.inboxes.push_back(ParseInbox(inboxes[i], i));
    }
  }
  return config;
}

ToolConfig LoadToolConfig(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) {
    throw ToolConfigError("cannot open config file " + path.string());
  }
  std::ostringstream content;
  content << in.rdbuf();
  try {
    return ParseToolConfig(content.str());
  } catch (const ToolConfigError& error) {
    throw ToolConfigError(path.string() + ": " + error.what());
  }
}

}  // namespace mobilelink::tools
