#pragma once

// HTTP routes of web chat attachments:
//   POST /webchat/{inbox}/attachments   a customer uploads a file with the chat's session token
//   GET  /api/v1/attachments/{id}       the chat's visitor, or an agent who may see the
//                                       conversation, downloads it
// The upload stores the file; a message frame with its attachment_id then sends it
// (docs/webchat-protocol.md).

#include "mobilelink/app/context.hpp"
#include "mobilelink/http/types.hpp"

namespace mobilelink::app {

void AddAttachmentRoutes(http::Router& router, AppContext& context);

}  // namespace mobilelink::app
