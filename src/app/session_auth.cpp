#include "mobilelink/app/session_auth.hpp"

#include <openssl/crypto.h>

#include "mobilelink/security/credentials.hpp"

namespace mobilelink::app {

namespace {

constexpr std::string_view kCsrfPrefix = "mobilelink-csrf-v1:";

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
    text.remove_suffix(1);
  }
  return text;
}

bool ConstantTimeEquals(std::string_view left, std::string_view right) {
  return left.size() == right.size() && CRYPTO_memcmp(left.data(), right.data(), left.size()) == 0;
}

http::HttpResponse CsrfRejected(std::string_view reason) {
  return http::HttpResponse::Error(403, "csrf_rejected", reason, kCsrfHeaderName);
}

}  // namespace

std::optional<std::string> CookieValue(const http::HttpRequest& request, std::string_view name) {
  const auto header = request.headers.Get("Cookie");
  if (!header) {
    return std::nullopt;
  }
  std::string_view rest = *header;
  while (!rest.empty()) {
    const auto end = rest.find(';');
    const std::string_view pair = Trim(rest.substr(0, end));
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    const auto equals = pair.find('=');
    if (equals != std::string_view::npos && Trim(pair.substr(0, equals)) == name) {
      return std::string(Trim(pair.substr(equals + 1)));
    }
  }
  return std::nullopt;
}

std::string CsrfTokenFor(std::string_view session_token) {
  return security::HashToken(std::string(kCsrfPrefix) + std::string(session_token));
}

bool IsStateChanging(std::string_view method) {
  return method != "GET" && method != "HEAD" && method != "OPTIONS";
}

bool IsSameOriginOrAbsent(const http::HttpRequest& request) {
  const auto origin = request.headers.Get("Origin");
  if (!origin) {
    return true;
  }
  const auto host = request.headers.Get("Host").value_or("");
  const auto scheme_end = origin->find("://");
  if (host.empty() || scheme_end == std::string::npos) {
    return false;
  }
  return origin->substr(scheme_end + 3) == host;
}

std::variant<std::monostate, RequestCredential, http::HttpResponse> ReadCredential(
    const http::HttpRequest& request) {
  constexpr std::string_view kBearer = "Bearer ";
  if (const auto header = request.headers.Get("Authorization")) {
    if (header->rfind(kBearer, 0) != 0) {
      return std::monostate{};
    }
    return RequestCredential{header->substr(kBearer.size()), false};
  }
  auto token = CookieValue(request, kSessionCookieName);
  if (!token || token->empty()) {
    return std::monostate{};
  }
  if (IsStateChanging(request.method)) {
    if (!IsSameOriginOrAbsent(request)) {
      return CsrfRejected(
          "the request's Origin is not this server; cookies work only from the "
          "console's own pages");
    }
    const auto sent = request.headers.Get(kCsrfHeaderName).value_or("");
    if (!ConstantTimeEquals(sent, CsrfTokenFor(*token))) {
      return CsrfRejected(
          "missing or wrong X-CSRF-Token; send the csrf_token of "
          "GET /console/session");
    }
  }
  return RequestCredential{std::move(*token), true};
}

std::string SessionCookie(std::string_view token, long max_age_seconds, bool secure) {
  std::string cookie = std::string(kSessionCookieName) + "=" + std::string(token) +
                       "; Path=/; Max-Age=" + std::to_string(max_age_seconds) +
                       "; HttpOnly; SameSite=Strict";
  if (secure) {
    cookie += "; Secure";
  }
  return cookie;
}

std::string ExpiredSessionCookie(bool secure) { return SessionCookie("", 0, secure); }

}  // namespace mobilelink::app
