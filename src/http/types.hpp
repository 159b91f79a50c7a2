#pragma once

// Plain HTTP and WebSocket values that handlers and domain code use. The Beast server converts
// to and from these at the edge, so nothing outside http/ includes Beast or Asio.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mobilelink::http {

/// Header list that keeps the order and repetitions of the wire; lookups ignore case.
class Headers final {
 public:
  /// Returns the first value of `name`, compared case-insensitively.
  [[nodiscard]] std::optional<std::string> Get(std::string_view name) const;
  /// Appends one header line.
  void Add(std::string name, std::string value);
  /// Replaces every line named `name` with one line.
  void Set(std::string name, std::string value);
  [[nodiscard]] const std::vector<std::pair<std::string, std::string>>& Lines() const {
    return lines_;
  }

 private:
  std::vector<std::pair<std::string, std::string>> lines_;
};

/// One HTTP request as the server received it.
struct HttpRequest {
  std::string method;  // Upper case, as on the wire: "GET", "POST".
  std::string target;  // Path and query exactly as received, percent-encoding untouched.
  std::string path;    // Target before '?', still percent-encoded.
  std::string query;   // Target after '?', without the '?'.
  Headers headers;
  std::string body;
  std::string remote_address;  // Peer IP address, without the port.
  std::string request_id;      // Server-assigned id, echoed as X-Request-Id.
  std::map<std::string, std::string> path_params;  // Values of `{name}` segments of the route.

  /// Returns the decoded value of the first query parameter `name`.
  [[nodiscard]] std::optional<std::string> QueryParam(std::string_view name) const;
};

/// One HTTP response.
struct HttpResponse {
  int status = 200;
  Headers headers;
  std::string body;

  /// Returns a response with `Content-Type: application/json`.
  static HttpResponse Json(int status, std::string body);
  /// Returns a response with `Content-Type: text/plain; charset=utf-8`.
  static HttpResponse Text(int status, std::string body);
  /// Returns a JSON error body `{"error":{"code":..,"message":..,"field":..}}`. The field is
  /// omitted when empty.
  static HttpResponse Error(int status, std::string_view code, std::string_view message,
                            std::string_view field = {});
};

/// Completes a request. Call it exactly once, from any thread; the server writes the response
/// on the connection's own executor.
using Responder = std::function<void(HttpResponse)>;

/// Handles one request. A handler may respond before it returns or later, for example after a
/// store commit.
using Handler = std::function<void(HttpRequest&&, Responder)>;

/// One open WebSocket connection, as handlers see it. Thread safe: Send and Close may be called
/// from any thread. Frames are queued and written one at a time; a session whose queue passes
/// its limit is closed with code 1008 (policy error).
class WebSocketSession {
 public:
  virtual ~WebSocketSession() = default;
  /// Queues a text frame. Returns false when the session is closed or was closed for overflow.
  virtual bool Send(std::string text) = 0;
  /// Starts a close handshake with the given close code and reason.
  virtual void Close(std::uint16_t code, std::string reason) = 0;
  [[nodiscard]] virtual std::uint64_t Id() const = 0;
  /// Returns the upgrade request, with its path parameters.
  [[nodiscard]] virtual const HttpRequest& UpgradeRequest() const = 0;
};

/// Handles the life of WebSocket sessions on one route. Calls for one session come one at a
/// time, in order; calls for different sessions may run concurrently.
class WebSocketHandler {
 public:
  virtual ~WebSocketHandler() = default;
  /// Decides on the upgrade. Returning a response rejects the upgrade with it.
  virtual std::optional<HttpResponse> Accept(const HttpRequest& request) = 0;
  /// Returns the subprotocol to name in the upgrade response's Sec-WebSocket-Protocol: one of
  /// the values the request offered, or empty for none. Called after Accept lets the upgrade
  /// through. Browsers close a socket whose offered subprotocol the server does not name.
  virtual std::string SelectProtocol(const HttpRequest& request) {
    (void)request;
    return {};
  }
  virtual void OnOpen(const std::shared_ptr<WebSocketSession>& session) = 0;
  virtual void OnText(const std::shared_ptr<WebSocketSession>& session, std::string text) = 0;
  virtual void OnClose(const std::shared_ptr<WebSocketSession>& session) = 0;
};

/// Limits that the server applies to one route.
struct RouteLimits {
  std::size_t max_body_bytes = 1024 * 1024;
};

/// Maps method and path patterns to handlers. Patterns are literal segments and `{name}`
/// segments: `/webhooks/twilio/{inbox}/status`. Register every route before the server starts;
/// lookups are then read-only and thread safe.
class Router final {
 public:
  void Add(std::string method, std::string pattern, Handler handler, RouteLimits limits = {});
  void AddWebSocket(std::string pattern, std::shared_ptr<WebSocketHandler> handler);

  struct Match {
    const Handler* handler = nullptr;
    std::shared_ptr<WebSocketHandler> websocket;
    RouteLimits limits;
    std::map<std::string, std::string> path_params;
    bool path_known = false;  // True when the path matched a route under another method.
  };
  /// Finds the route for a method and a path (percent-encoded, without the query).
  [[nodiscard]] Match Find(std::string_view method, std::string_view path) const;

 private:
  struct Route {
    std::string method;
    std::vector<std::string> segments;
    Handler handler;
    std::shared_ptr<WebSocketHandler> websocket;
    RouteLimits limits;
  };
  std::vector<Route> routes_;
};

/// Decodes `application/x-www-form-urlencoded` text: '+' is a space and %XX a byte. Returns
/// nullopt for a malformed escape.
std::optional<std::string> DecodeFormComponent(std::string_view text);

/// Parses a form or query string into ordered name/value pairs. Repeated names are kept.
/// Returns nullopt when any name or value has a malformed escape.
std::optional<std::vector<std::pair<std::string, std::string>>> ParseForm(std::string_view text);

/// Encodes one form component: unreserved bytes stay, space becomes '+', the rest %XX.
std::string EncodeFormComponent(std::string_view text);

}  // namespace mobilelink::http
