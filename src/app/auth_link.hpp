#pragma once

#include "mobilelink/app/context.hpp"
#include "mobilelink/http/types.hpp"

namespace mobilelink::app {

/// Registers GET and POST /auth/link/{token}: the page of a signed one-time link and its
/// confirmation (security/signed_link.hpp). With auth.app_token configured, also registers
/// POST /auth/app-token, where in-app chat passes the app backend's token for its session.
void AddAuthLinkRoutes(http::Router& router, AppContext& context);

}  // namespace mobilelink::app
