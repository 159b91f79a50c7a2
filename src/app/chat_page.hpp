#pragma once

// The customer chat page and the notices its sockets receive besides messages.

#include <cstdint>
#include <string>

#include "mobilelink/app/context.hpp"

namespace mobilelink::app {

/// Returns the page served at /chat/{inbox}: the widget shell that loads the widget bundle.
std::string ChatPage(const std::string& inbox_id, const std::string& title);

/// Returns the frame-ancestors source list of the chat page: the server itself and the
/// configured web.embed_origins.
std::string ChatFrameAncestors(const config::WebConfig& web);

/// Sends {"type":"conversation","status":"resolved"} to the open web chat sockets of the
/// conversation's contact, so the widget can show the resolution. Does nothing for other
/// channels or when no socket is open.
void PushConversationResolved(AppContext& context, std::int64_t conversation_id);

}  // namespace mobilelink::app
