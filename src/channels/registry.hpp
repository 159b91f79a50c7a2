#pragma once

// The one explicit list of channel adapters.

#include <string_view>
#include <vector>

#include "mobilelink/channels/adapter.hpp"

namespace mobilelink::channels {

/// Returns the adapter for a channel name, or nullptr. Adapters live for the whole process.
const ChannelAdapter* FindAdapter(std::string_view channel);

/// Returns every registered adapter, in registration order.
const std::vector<const ChannelAdapter*>& AllAdapters();

}  // namespace mobilelink::channels
