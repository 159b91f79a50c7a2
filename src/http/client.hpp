#pragma once

// A blocking HTTP/1.1 client for calls to providers and webhooks. Workers own one client each;
// it keeps one idle keep-alive connection per host and port.
//
// The client sends a request a second time only when its method is idempotent (GET, HEAD, PUT,
// DELETE, OPTIONS, TRACE) and a reused idle connection closed before any response byte arrived.
// A POST or PATCH goes out at most once per Send. When it fails after any of it was written, the
// error sets ClientError::may_have_reached_peer and the caller decides.

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <variant>

#include "mobilelink/http/types.hpp"

namespace mobilelink::http {

struct ClientRequest {
  std::string method = "POST";
  std::string url;  // http:// or https:// absolute URL.
  Headers headers;
  std::string body;
  std::chrono::milliseconds timeout{10000};  // Connect, write and read together.
};

struct ClientResponse {
  int status = 0;
  Headers headers;
  std::string body;
};

enum class ClientErrorKind {
  kInvalidUrl,         // The URL did not parse or has an unsupported scheme.
  kHostNotAllowed,     // The client only allows loopback hosts and the URL named another.
  kConnectionFailed,   // Resolve, connect or TLS handshake failed, so nothing was sent.
  kTimeout,            // The deadline passed while writing the request or reading the response.
  kProtocol,           // Writing or reading failed: a reset, an early close or broken framing.
};

struct ClientError {
  ClientErrorKind kind;
  std::string message;
  /// True when the failure came after the client began writing the request, so the peer may
  /// have read it and acted on it. False only when the request certainly never left: an invalid
  /// or disallowed URL, or a failed resolve, connect or TLS handshake.
  bool may_have_reached_peer = false;
};

using ClientResult = std::variant<ClientResponse, ClientError>;

/// Options that one client applies to every request.
struct ClientOptions {
  /// Rejects any host other than 127.0.0.1, ::1 and localhost. Tests set it so that no request
  /// can leave the machine.
  bool loopback_only = false;
  std::size_t max_response_bytes = 4 * 1024 * 1024;
};

/// Sends requests one at a time. Not thread safe: use one client per thread.
class HttpClient {
 public:
  virtual ~HttpClient() = default;
  [[nodiscard]] virtual ClientResult Send(const ClientRequest& request) = 0;
};

/// Returns the Beast-based client.
std::unique_ptr<HttpClient> MakeHttpClient(ClientOptions options = {});

/// Returns true when `method` is idempotent in HTTP (RFC 9110, section 9.2.2), so that the
/// client may send it again on a new connection.
bool IsIdempotentMethod(std::string_view method);

/// Returns true when `status` is 2xx.
inline bool IsSuccess(int status) { return status >= 200 && status < 300; }

}  // namespace mobilelink::http
