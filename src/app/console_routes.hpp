#pragma once

// The agent console's page and session endpoints, the web asset route and the chat pages.
//
//   GET    /console           the console page (never framed)
//   POST   /console/session   logs in with username and password; sets the session cookie
//   GET    /console/session   the signed-in agent, the CSRF token, inboxes, canned responses
//   DELETE /console/session   logs out: deletes the cookie (needs the CSRF token)
//   GET    /assets/{file}     a file of the built web bundle
//   GET    /chat, /chat/{inbox}, /chat/app.js   the customer chat widget

#include "mobilelink/app/context.hpp"
#include "mobilelink/http/types.hpp"

namespace mobilelink::app {

/// Registers the routes above. `context` must outlive the router.
void AddConsoleRoutes(http::Router& router, AppContext& context);

/// Returns the console page, which loads the console bundle.
std::string ConsolePage();

}  // namespace mobilelink::app
