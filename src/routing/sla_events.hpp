#pragma once

// Appends the events of SLA clocks and breach actions, shared by the SlaService sources.

#include <optional>
#include <string>
#include <string_view>

#include "mobilelink/core/model.hpp"
#include "mobilelink/core/repository.hpp"

namespace mobilelink::routing {

/// Appends an event of `type` about `conversation`, with `data_json` as its data.
void AppendConversationEvent(core::Repository& repository, std::string_view type,
                             const core::Conversation& conversation, std::string data_json,
                             core::TimePoint now,
                             std::optional<std::int64_t> agent_id = std::nullopt);

}  // namespace mobilelink::routing
