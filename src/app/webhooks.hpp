#pragma once

#include "mobilelink/app/context.hpp"
#include "mobilelink/http/types.hpp"

namespace mobilelink::app {

/// Registers POST and GET /webhooks/{channel}/{inbox} and POST /webhooks/{channel}/{inbox}/status
/// for every configured inbox's channel.
void AddWebhookRoutes(http::Router& router, AppContext& context);

/// Returns the URLs a provider may have signed for `request`, most likely first: the inbox's
/// configured public URL, the server's public URL with the request target, and, for requests
/// from a trusted proxy, the URL rebuilt from X-Forwarded-Proto and X-Forwarded-Host.
std::vector<std::string> PublicUrlCandidates(const http::HttpRequest& request,
                                             const config::ServerConfig& server,
                                             const channels::InboxConfig& inbox,
                                             bool status_route);

}  // namespace mobilelink::app
