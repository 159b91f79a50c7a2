#pragma once

// A blocking HTTP/1.1 client for calls to providers and webhooks. Workers own one client each;
// it keeps one idle keep-alive connection per host and port.

#include <chrono>
#include <memory>
#include <string>
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
  kConnectionFailed,   // Resolve, connect or TLS handshake failed; nothing was sent.
  kTimeout,            // The deadline passed; the peer may have acted on the request.
  kProtocol,           // The peer broke HTTP framing or closed mid-response.
};

struct ClientError {
  ClientErrorKind kind;
  std::string message;
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

/// Returns true when `status` is 2xx.
inline bool IsSuccess(int status) { return status >= 200 && status < 300; }

}  // namespace mobilelink::http
