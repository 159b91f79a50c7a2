#include "mobilelink/http/client.hpp"

#include <map>
#include <optional>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/url/parse.hpp>
#include <fmt/format.h>

namespace mobilelink::http {
namespace {

namespace beast = boost::beast;
namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

constexpr std::uint32_t kMaxResponseHeaderBytes = 64 * 1024;

struct Endpoint {
  bool tls = false;
  std::string host;  // Name or IP address, without IPv6 brackets.
  std::string port;
  std::string host_header;  // As sent in Host: brackets and a non-default port kept.
  std::string target;       // Path and query.
  [[nodiscard]] std::string Key() const {
    return fmt::format("{}://{}:{}", tls ? "https" : "http", host, port);
  }
};

// One open connection, plain or TLS. Bytes read past a response stay in `buffer`.
struct Connection {
  std::unique_ptr<beast::tcp_stream> plain;
  std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> secure;
  beast::flat_buffer buffer;

  beast::tcp_stream& Tcp() { return secure ? beast::get_lowest_layer(*secure) : *plain; }
};

std::optional<Endpoint> ParseEndpoint(const std::string& url) {
  auto parsed = boost::urls::parse_absolute_uri(url);
  if (!parsed || !parsed->has_authority() || parsed->encoded_host().empty()) {
    return std::nullopt;
  }
  Endpoint endpoint;
  if (parsed->scheme() == "https") {
    endpoint.tls = true;
  } else if (parsed->scheme() != "http") {
    return std::nullopt;
  }
  if (parsed->host_type() == boost::urls::host_type::ipv6) {
    endpoint.host = parsed->host_ipv6_address().to_string();
  } else {
    endpoint.host = parsed->host();
  }
  endpoint.port = parsed->has_port() ? std::string(parsed->port()) : (endpoint.tls ? "443" : "80");
  endpoint.host_header = std::string(parsed->encoded_host_and_port());
  endpoint.target = std::string(parsed->encoded_path());
  if (endpoint.target.empty()) {
    endpoint.target = "/";
  }
  if (parsed->has_query()) {
    endpoint.target += "?" + std::string(parsed->encoded_query());
  }
  return endpoint;
}

bool IsLoopbackHost(std::string_view host) {
  std::string lower(host);
  for (char& c : lower) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return lower == "127.0.0.1" || lower == "::1" || lower == "localhost";
}

ClientError Fail(ClientErrorKind kind, const std::string& message) { return {kind, message}; }

// Returns a failure that came after the request began to leave, so the peer may have acted on it.
ClientError FailAfterWrite(ClientErrorKind kind, const std::string& message) {
  return {kind, message, true};
}

// Returns true when an idle connection is still open and the peer sent nothing on it. A peek
// that would block means open. End of stream, a reset or unexpected bytes (a TLS close_notify
// or a stray response) all mean the connection must not be used.
bool IsIdleConnectionOpen(Connection& connection) {
  if (connection.buffer.size() > 0) {
    return false;
  }
  auto& socket = connection.Tcp().socket();
  beast::error_code ec;
  socket.non_blocking(true, ec);
  if (ec) {
    return false;
  }
  char byte = 0;
  socket.receive(net::buffer(&byte, 1), tcp::socket::message_peek, ec);
  beast::error_code restore_error;
  socket.non_blocking(false, restore_error);
  return ec == net::error::would_block && !restore_error;
}

class BeastHttpClient final : public HttpClient {
 public:
  explicit BeastHttpClient(ClientOptions options)
      : options_(options), tls_context_(ssl::context::tls_client) {
    tls_context_.set_default_verify_paths();
    tls_context_.set_verify_mode(ssl::verify_peer);
  }

  // HttpClient
  ClientResult Send(const ClientRequest& request) override {
    std::optional<Endpoint> endpoint = ParseEndpoint(request.url);
    if (!endpoint) {
      return Fail(ClientErrorKind::kInvalidUrl,
                  "invalid URL \"" + request.url + "\": expected an absolute http or https URL");
    }
    if (options_.loopback_only && !IsLoopbackHost(endpoint->host)) {
      return Fail(ClientErrorKind::kHostNotAllowed,
                  "host " + endpoint->host + " is not allowed: the client is loopback only");
    }

    Clock::time_point deadline = Clock::now() + request.timeout;
    std::unique_ptr<Connection> connection = TakeIdle(endpoint->Key());
    bool reused = connection != nullptr;
    if (!connection) {
      auto connected = Connect(*endpoint, deadline);
      if (std::holds_alternative<ClientError>(connected)) {
        return std::get<ClientError>(connected);
      }
      connection = std::move(std::get<std::unique_ptr<Connection>>(connected));
    }

    bool stale = false;
    ClientResult result = Exchange(connection, *endpoint, request, deadline, stale);
    if (stale && reused && IsIdempotentMethod(request.method)) {
      // The reused connection closed before any response byte arrived. The server most likely
      // closed it while idle, but it may also have read the request and failed, so only an
      // idempotent request is sent again, once, on a new connection.
      auto connected = Connect(*endpoint, deadline);
      if (std::holds_alternative<ClientError>(connected)) {
        return std::get<ClientError>(connected);
      }
      connection = std::move(std::get<std::unique_ptr<Connection>>(connected));
      result = Exchange(connection, *endpoint, request, deadline, stale);
    }
    return result;
  }

 private:
  // Returns the idle connection to `key` when the peer has not closed it, or null. Checking
  // first keeps a POST off a connection that the server already closed, where it would fail
  // with an unknown outcome although the server never read it.
  std::unique_ptr<Connection> TakeIdle(const std::string& key) {
    auto found = idle_.find(key);
    if (found == idle_.end()) {
      return nullptr;
    }
    std::unique_ptr<Connection> connection = std::move(found->second);
    idle_.erase(found);
    if (!IsIdleConnectionOpen(*connection)) {
      return nullptr;
    }
    return connection;
  }

  // Runs the io_context until `done` is set. Every operation started here is bounded by a
  // stream expiry or a timer, so this returns.
  void RunUntil(const std::optional<beast::error_code>& done) {
    io_context_.restart();
    while (!done && io_context_.run_one() > 0) {
    }
  }

  std::variant<std::unique_ptr<Connection>, ClientError> Connect(const Endpoint& endpoint,
                                                                 Clock::time_point deadline) {
    std::string where = endpoint.host + ":" + endpoint.port;
    tcp::resolver resolver(io_context_);
    net::steady_timer resolve_timer(io_context_, deadline);
    std::optional<beast::error_code> resolved;
    tcp::resolver::results_type addresses;
    resolve_timer.async_wait([&](beast::error_code ec) {
      if (!ec) {
        resolver.cancel();
      }
    });
    resolver.async_resolve(endpoint.host, endpoint.port,
                           [&](beast::error_code ec, tcp::resolver::results_type results) {
                             addresses = std::move(results);
                             resolved = ec;
                             resolve_timer.cancel();
                           });
    RunUntil(resolved);
    RunUntilIdle();
    if (*resolved) {
      return Fail(ClientErrorKind::kConnectionFailed,
                  fmt::format("resolving {} failed: {}", endpoint.host, resolved->message()));
    }

    auto connection = std::make_unique<Connection>();
    if (endpoint.tls) {
      connection->secure =
          std::make_unique<beast::ssl_stream<beast::tcp_stream>>(io_context_, tls_context_);
    } else {
      connection->plain = std::make_unique<beast::tcp_stream>(io_context_);
    }
    beast::tcp_stream& tcp_stream = connection->Tcp();
    tcp_stream.expires_at(deadline);
    std::optional<beast::error_code> connected;
    tcp_stream.async_connect(addresses,
                             [&](beast::error_code ec, const tcp::endpoint&) { connected = ec; });
    RunUntil(connected);
    if (*connected) {
      return Fail(ClientErrorKind::kConnectionFailed,
                  fmt::format("connecting to {} failed: {}", where, connected->message()));
    }
    if (endpoint.tls) {
      auto handshake_error = Handshake(*connection->secure, endpoint.host);
      if (handshake_error) {
        return Fail(
            ClientErrorKind::kConnectionFailed,
            fmt::format("TLS handshake with {} failed: {}", where, handshake_error->message()));
      }
    }
    return connection;
  }

  std::optional<beast::error_code> Handshake(beast::ssl_stream<beast::tcp_stream>& stream,
                                             const std::string& host) {
    // SNI and host name verification need the name the caller used, not the resolved address.
    if (!SSL_set_tlsext_host_name(stream.native_handle(), host.c_str())) {
      return beast::error_code(static_cast<int>(::ERR_get_error()), net::error::get_ssl_category());
    }
    stream.set_verify_callback(ssl::host_name_verification(host));
    std::optional<beast::error_code> done;
    stream.async_handshake(ssl::stream_base::client, [&](beast::error_code ec) { done = ec; });
    RunUntil(done);
    return *done ? done : std::nullopt;
  }

  void RunUntilIdle() {
    io_context_.restart();
    io_context_.run();
  }

  ClientResult Exchange(std::unique_ptr<Connection>& connection, const Endpoint& endpoint,
                        const ClientRequest& request, Clock::time_point deadline, bool& stale);
  template <typename Stream>
  ClientResult ExchangeOn(Stream& stream, std::unique_ptr<Connection>& connection,
                          const Endpoint& endpoint,
                          const beast::http::request<beast::http::string_body>& message,
                          bool& stale);

  ClientOptions options_;
  net::io_context io_context_;
  ssl::context tls_context_;
  std::map<std::string, std::unique_ptr<Connection>> idle_;
};

bool IsClosedByPeer(const beast::error_code& ec) {
  return ec == beast::http::error::end_of_stream || ec == net::error::eof ||
         ec == net::error::connection_reset || ec == net::error::broken_pipe;
}

ClientResult BeastHttpClient::Exchange(std::unique_ptr<Connection>& connection,
                                       const Endpoint& endpoint, const ClientRequest& request,
                                       Clock::time_point deadline, bool& stale) {
  beast::http::request<beast::http::string_body> message;
  message.method_string(request.method);
  message.target(endpoint.target);
  message.version(11);
  for (const auto& [name, value] : request.headers.Lines()) {
    message.insert(name, value);
  }
  message.set(beast::http::field::host, endpoint.host_header);
  if (!request.headers.Get("User-Agent")) {
    message.set(beast::http::field::user_agent, "mobilelink");
  }
  message.body() = request.body;
  message.keep_alive(true);
  message.prepare_payload();

  connection->Tcp().expires_at(deadline);
  if (connection->secure) {
    return ExchangeOn(*connection->secure, connection, endpoint, message, stale);
  }
  return ExchangeOn(*connection->plain, connection, endpoint, message, stale);
}

template <typename Stream>
ClientResult BeastHttpClient::ExchangeOn(
    Stream& stream, std::unique_ptr<Connection>& connection, const Endpoint& endpoint,
    const beast::http::request<beast::http::string_body>& message, bool& stale) {
  stale = false;
  std::string where = endpoint.host + ":" + endpoint.port;
  std::optional<beast::error_code> written;
  beast::http::async_write(stream, message,
                           [&](beast::error_code ec, std::size_t) { written = ec; });
  RunUntil(written);
  if (*written == beast::error::timeout) {
    return FailAfterWrite(ClientErrorKind::kTimeout, "request to " + where + " timed out while sending");
  }
  if (*written) {
    stale = IsClosedByPeer(*written);
    return FailAfterWrite(ClientErrorKind::kProtocol,
                fmt::format("sending to {} failed: {}", where, written->message()));
  }

  beast::http::response_parser<beast::http::string_body> parser;
  parser.header_limit(kMaxResponseHeaderBytes);
  parser.body_limit(options_.max_response_bytes);
  std::optional<beast::error_code> read;
  beast::http::async_read(stream, connection->buffer, parser,
                          [&](beast::error_code ec, std::size_t) { read = ec; });
  RunUntil(read);
  if (*read == beast::error::timeout) {
    return FailAfterWrite(ClientErrorKind::kTimeout,
                "request to " + where + " timed out waiting for the response");
  }
  if (*read) {
    stale = IsClosedByPeer(*read) && !parser.got_some();
    return FailAfterWrite(ClientErrorKind::kProtocol,
                fmt::format("reading the response from {} failed: {}", where, read->message()));
  }

  auto response_message = parser.release();
  ClientResponse response;
  response.status = static_cast<int>(response_message.result_int());
  for (const auto& field : response_message) {
    response.headers.Add(std::string(field.name_string()), std::string(field.value()));
  }
  response.body = std::move(response_message.body());
  if (response_message.keep_alive()) {
    idle_[endpoint.Key()] = std::move(connection);
  }
  return response;
}

}  // namespace

bool IsIdempotentMethod(std::string_view method) {
  return method == "GET" || method == "HEAD" || method == "PUT" || method == "DELETE" ||
         method == "OPTIONS" || method == "TRACE";
}

std::unique_ptr<HttpClient> MakeHttpClient(ClientOptions options) {
  return std::make_unique<BeastHttpClient>(options);
}

}  // namespace mobilelink::http
