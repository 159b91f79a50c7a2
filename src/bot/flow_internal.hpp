#pragma once

// Helpers shared by the flow engine's files: templates, answer validation and confirm words.

#include <optional>
#include <string>
#include <string_view>

#include "mobilelink/bot/flow.hpp"

namespace mobilelink::bot::flow_internal {

enum class Escape { kMasked, kJson, kUrl };

/// Replaces {{name}} with the value `name` and {{name|mask}} with its masked form. Unknown
/// names render empty. kMasked masks sensitive values; kJson and kUrl escape every value for
/// a JSON string or a URL and never mask, because they go to the configured endpoint.
std::string Render(std::string_view text, const FlowState& state, Escape escape);

/// Checks an answer to an ask step. Returns the value to store, or nullopt when invalid.
std::optional<std::string> Validate(const FlowStep& step, std::string_view text,
                                    std::string_view reply_id);

/// Reads a confirm answer: true for yes, false for no, nullopt when unclear.
std::optional<bool> ReadYesNo(std::string_view text, std::string_view reply_id);

/// The yes and no options of confirm steps.
const std::vector<core::QuickReply>& YesNoOptions();

}  // namespace mobilelink::bot::flow_internal
