#pragma once

// Parsers of the web keys: canned_responses and web.

#include <vector>

#include "mobilelink/config/config.hpp"
#include "mobilelink/config/yaml_node.hpp"

namespace mobilelink::config {

/// Reads canned_responses: a list of {code, text}. A code is 1 to 32 lower-case letters, digits,
/// '-' or '_', unique in the list; a text is 1 to 4096 bytes. Throws ConfigError.
std::vector<CannedResponse> ParseCannedResponses(const Node& node);

/// Reads web: {embed_origins}. Each origin is scheme://host[:port] with scheme http or https
/// and nothing after the host, because it goes into the Content-Security-Policy header of the
/// chat page. Throws ConfigError.
WebConfig ParseWeb(const Node& node);

}  // namespace mobilelink::config
