#include "mobilelink/config/yaml_node.hpp"

#include <cstdlib>

namespace mobilelink::config {

[[noreturn]] void Fail(const std::string& path, const std::string& reason) {
  throw ConfigError(path + ": " + reason);
}

std::string Join(const std::set<std::string>& keys) {
  std::string joined;
  for (const auto& key : keys) {
    joined += joined.empty() ? key : ", " + key;
  }
  return joined;
}

Node Child(const Node& parent, const std::string& key) {
  return {parent.node[key], parent.path.empty() ? key : parent.path + "." + key};
}

void RequireMap(const Node& node) {
  if (!node.node.IsDefined()) {
    Fail(node.path, "missing required key");
  }
  if (!node.node.IsMap()) {
    Fail(node.path, "expected a map of keys");
  }
}

void CheckKeys(const Node& node, const std::set<std::string>& allowed) {
  RequireMap(node);
  for (const auto& item : node.node) {
    const auto key = item.first.as<std::string>();
    if (!allowed.contains(key)) {
      Fail(node.path.empty() ? key : node.path + "." + key,
           "unknown key; expected one of: " + Join(allowed));
    }
  }
}

namespace {

// Replaces ${NAME} with the environment variable NAME.
std::string ExpandEnvironment(const std::string& value, const std::string& path) {
  std::string output;
  std::size_t i = 0;
  while (i < value.size()) {
    if (value.compare(i, 2, "${") == 0) {
      const auto end = value.find('}', i + 2);
      if (end == std::string::npos) {
        Fail(path, "unterminated ${ in value; write ${NAME}");
      }
      const std::string name = value.substr(i + 2, end - i - 2);
      const char* found = std::getenv(name.c_str());
      if (found == nullptr) {
        Fail(path, "environment variable " + name + " is not set");
      }
      output += found;
      i = end + 1;
    } else {
      output.push_back(value[i++]);
    }
  }
  return output;
}

}  // namespace

// Reads a text value. A required key must be present and, after ${NAME} expansion, not empty.
std::string Text(const Node& node, bool required, const std::string& fallback) {
  if (!node.node.IsDefined() || node.node.IsNull()) {
    if (required) {
      Fail(node.path, "missing required key");
    }
    return fallback;
  }
  if (!node.node.IsScalar()) {
    Fail(node.path, "expected a text value");
  }
  const std::string written = node.node.as<std::string>();
  std::string value = ExpandEnvironment(written, node.path);
  if (required && value.empty()) {
    Fail(node.path, written.empty() ? "required value is empty"
                                    : "required value is empty after expanding '" + written +
                                          "'; set the environment variable to a value");
  }
  return value;
}

int Integer(const Node& node, int fallback, int min, int max) {
  if (!node.node.IsDefined()) {
    return fallback;
  }
  int value = 0;
  try {
    value = node.node.as<int>();
  } catch (const YAML::Exception&) {
    Fail(node.path, "expected an integer");
  }
  if (value < min || value > max) {
    Fail(node.path, "must be between " + std::to_string(min) + " and " + std::to_string(max));
  }
  return value;
}

std::vector<std::string> TextList(const Node& node) {
  std::vector<std::string> values;
  if (!node.node.IsDefined()) {
    return values;
  }
  if (!node.node.IsSequence()) {
    Fail(node.path, "expected a list");
  }
  for (std::size_t i = 0; i < node.node.size(); ++i) {
    values.push_back(Text({node.node[i], node.path + "[" + std::to_string(i) + "]"}, true));
  }
  return values;
}

}  // namespace mobilelink::config
