#include "mobilelink/config/web_config.hpp"

#include <set>

#include "mobilelink/config/value_checks.hpp"

namespace mobilelink::config {

namespace {

constexpr std::size_t kMaxCodeBytes = 32;
constexpr std::size_t kMaxCannedTextBytes = 4096;

bool IsCodeCharacter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

bool IsHostCharacter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == ':' || c == '[' || c == ']';
}

void CheckOrigin(const std::string& origin, const std::string& path) {
  const auto scheme_end = origin.find("://");
  const std::string scheme = scheme_end == std::string::npos ? "" : origin.substr(0, scheme_end);
  if (scheme != "http" && scheme != "https") {
    Fail(path, "'" + origin + "' must start with https:// or http://");
  }
  const std::string host = origin.substr(scheme_end + 3);
  if (host.empty()) {
    Fail(path, "'" + origin + "' has no host; write it as https://shop.example.com");
  }
  for (char c : host) {
    if (!IsHostCharacter(c)) {
      Fail(path, "'" + origin +
                     "' must be scheme://host[:port] with no path, query, wildcard "
                     "or spaces");
    }
  }
  // Catches an empty host before a port and a port outside 1 to 65535.
  CheckHttpUrl(path, origin, UrlKind::kBase);
}

}  // namespace

std::vector<CannedResponse> ParseCannedResponses(const Node& node) {
  std::vector<CannedResponse> responses;
  std::set<std::string> codes;
  ForEachItem(node, [&](const Node& item) {
    CheckKeys(item, {"code", "text"});
    CannedResponse response{Text(Child(item, "code"), true), Text(Child(item, "text"), true)};
    bool valid_code = response.code.size() <= kMaxCodeBytes;
    for (char c : response.code) {
      valid_code = valid_code && IsCodeCharacter(c);
    }
    if (!valid_code) {
      Fail(item.path + ".code", "'" + response.code +
                                    "' must be 1 to 32 lower-case letters, "
                                    "digits, '-' or '_'");
    }
    if (!codes.insert(response.code).second) {
      Fail(item.path + ".code", "duplicate code '" + response.code + "'");
    }
    if (response.text.size() > kMaxCannedTextBytes) {
      Fail(item.path + ".text", "longer than 4096 bytes; shorten it");
    }
    responses.push_back(std::move(response));
  });
  return responses;
}

WebConfig ParseWeb(const Node& node) {
  WebConfig web;
  if (!node.node.IsDefined()) {
    return web;
  }
  CheckKeys(node, {"embed_origins"});
  const Node origins = Child(node, "embed_origins");
  web.embed_origins = TextList(origins);
  for (std::size_t i = 0; i < web.embed_origins.size(); ++i) {
    CheckOrigin(web.embed_origins[i], origins.path + "[" + std::to_string(i) + "]");
  }
  return web;
}

}  // namespace mobilelink::config
