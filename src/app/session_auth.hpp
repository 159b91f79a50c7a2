#pragma once

// Agent credentials of a request: a bearer token (API clients) or the console's session cookie.
//
// The console keeps its access token only in an HttpOnly, SameSite=Strict cookie (Secure when
// server.public_url is https), so page scripts never see it. A request that the cookie
// authenticates and that changes state (any method but GET, HEAD and OPTIONS) must also carry
// X-CSRF-Token with the token's CSRF value, and, when it sends an Origin header, that origin must
// be the server's own. The CSRF value is the SHA-256 of the session token under a fixed prefix,
// so only a holder of the session token can compute it. The console reads it from the login
// response or from GET /console/session, which other origins cannot read.

#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "mobilelink/http/types.hpp"

namespace mobilelink::app {

inline constexpr std::string_view kSessionCookieName = "mobilelink_session";
inline constexpr std::string_view kCsrfHeaderName = "X-CSRF-Token";

/// The access token of a request and its source.
struct RequestCredential {
  std::string token;
  bool from_cookie = false;
};

/// Reads the request's access token: the Authorization bearer token when present, else the
/// session cookie. Returns nullopt when there is neither. Returns a 403 response for a
/// cookie-authenticated state-changing request whose CSRF token or Origin does not match.
std::variant<std::monostate, RequestCredential, http::HttpResponse> ReadCredential(
    const http::HttpRequest& request);

/// Returns the CSRF token that belongs to `session_token`.
std::string CsrfTokenFor(std::string_view session_token);

/// Returns the value of a cookie of the Cookie header, or nullopt.
std::optional<std::string> CookieValue(const http::HttpRequest& request, std::string_view name);

/// Returns the Set-Cookie value that stores `token` for `max_age_seconds`; `secure` adds Secure.
std::string SessionCookie(std::string_view token, long max_age_seconds, bool secure);

/// Returns the Set-Cookie value that deletes the session cookie.
std::string ExpiredSessionCookie(bool secure);

/// Returns true unless the method is GET, HEAD or OPTIONS.
bool IsStateChanging(std::string_view method);

/// Returns true when the request has no Origin header or one whose host and port equal its Host
/// header's. Browsers send Origin on every cross-origin request and on same-origin POSTs.
bool IsSameOriginOrAbsent(const http::HttpRequest& request);

}  // namespace mobilelink::app
