#pragma once

// The `surveys:` section. Without it no survey is sent.

#include <optional>

#include "mobilelink/bot/survey.hpp"

namespace mobilelink::config {

struct Node;

/// Parses the `surveys:` section (keys in bot::SurveyOptions); nullopt when it is absent.
/// Throws ConfigError.
std::optional<bot::SurveyOptions> ParseSurveys(const Node& node);

}  // namespace mobilelink::config
