// One HTTP/1.1 connection: a reader and a writer coroutine on the connection's strand share a
// bounded queue of response slots, so pipelined requests are handled concurrently and their
// responses are written in request order.

#include <array>
#include <atomic>
#include <chrono>
#include <deque>
#include <limits>
#include <optional>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include "mobilelink/common/log.hpp"
#include "mobilelink/http/server_state.hpp"
#include "mobilelink/http/websocket_session.hpp"

namespace mobilelink::http::detail {
namespace {

namespace beast = boost::beast;
namespace net = boost::asio;
namespace websocket = beast::websocket;
using net::experimental::awaitable_operators::operator&&;
using BeastRequest = beast::http::request<beast::http::string_body>;

constexpr auto kUseTuple = net::as_tuple(net::use_awaitable);
// After a response that closes the connection, unread request bytes are drained for this long
// so that closing the socket does not reset the connection before the client reads the response.
constexpr std::chrono::milliseconds kLingerTime{500};
constexpr std::size_t kLingerMaxBytes = 256 * 1024;

// A response slot. Slots leave the queue in request order, once their response is set.
struct Slot {
  std::uint64_t sequence = 0;
  std::optional<HttpResponse> response;
  bool keep_alive = false;
  bool in_flight = false;  // Counted in ServerState::BeginRequest.
  unsigned version = 11;
  std::string method;
  std::string request_id;
  std::chrono::steady_clock::time_point started;
};

struct Upgrade {
  BeastRequest request;
  HttpRequest upgrade;
  std::shared_ptr<WebSocketHandler> handler;
};

class Connection final : public std::enable_shared_from_this<Connection> {
 public:
  Connection(std::shared_ptr<ServerState> state, net::ip::tcp::socket socket)
      : state_(std::move(state)),
        stream_(std::move(socket)),
        reader_wakeup_(stream_.get_executor()),
        writer_wakeup_(stream_.get_executor()),
        executor_(stream_.get_executor()),
        id_(state_->NextId()) {
    beast::error_code ec;
    auto endpoint = stream_.socket().remote_endpoint(ec);
    if (!ec) {
      // A dual-stack listener gets IPv4 peers as ::ffff:a.b.c.d, so they are converted.
      auto address = endpoint.address();
      if (address.is_v6() && address.to_v6().is_v4_mapped()) {
        address = net::ip::make_address_v4(net::ip::v4_mapped, address.to_v6());
      }
      remote_address_ = address.to_string();
    }
  }

  ~Connection() {
    for (const Slot& slot : slots_) {
      if (slot.in_flight) {
        state_->EndRequest();
      }
    }
    state_->RemoveConnection(id_);
  }

  net::awaitable<void> Run() {
    std::weak_ptr<Connection> weak = weak_from_this();
    state_->AddConnection(id_, [state = state_, weak] {
      state->PostTo(weak, [](Connection& self) { self.CloseSocket(); });
    });

    co_await (ReadLoop() && WriteLoop());
    if (upgrade_ && !closed_ && !shutdown_sent_) {
      // The stream moves out below, and from here on the WebSocket session closes it.
      upgraded_ = true;
      co_await RunWebSocket(state_, std::move(stream_), std::move(upgrade_->request),
                            std::move(upgrade_->upgrade), std::move(upgrade_->handler));
      co_return;
    }
    co_await Linger();
  }

  void Complete(std::uint64_t sequence, HttpResponse response) {
    for (Slot& slot : slots_) {
      if (slot.sequence == sequence) {
        slot.response = std::move(response);
        writer_wakeup_.cancel();
        return;
      }
    }
  }

  [[nodiscard]] net::any_io_executor Executor() const { return executor_; }

  void CloseSocket() {
    if (upgraded_) {
      return;
    }
    closed_ = true;
    beast::error_code ignored;
    stream_.socket().shutdown(net::ip::tcp::socket::shutdown_both, ignored);
    stream_.socket().close(ignored);
    reader_wakeup_.cancel();
    writer_wakeup_.cancel();
  }

 private:
  static net::awaitable<void> Wait(net::steady_timer& timer) {
    timer.expires_at(net::steady_timer::time_point::max());
    co_await timer.async_wait(kUseTuple);
  }

  bool KeepReading() const { return !closed_ && !reader_done_ && !state_->stopping; }

  net::awaitable<void> ReadLoop() {
    while (KeepReading()) {
      while (slots_.size() >= state_->options.max_pipelined && !closed_) {
        co_await Wait(reader_wakeup_);
      }
      if (!KeepReading()) {
        break;
      }
      bool has_bytes = co_await WaitForRequestBytes();
      if (!has_bytes) {
        break;
      }
      co_await ReadRequest();
    }
    reader_done_ = true;
    writer_wakeup_.cancel();
  }

  // Waits up to the idle timeout for the first byte of the next request.
  net::awaitable<bool> WaitForRequestBytes() {
    if (buffer_.size() > 0) {
      co_return true;
    }
    stream_.expires_after(state_->options.idle_timeout);
    auto [ec, bytes] = co_await stream_.async_read_some(buffer_.prepare(4096), kUseTuple);
    buffer_.commit(bytes);
    co_return !ec;
  }

  net::awaitable<void> ReadRequest() {
    started_ = std::chrono::steady_clock::now();
    request_id_ = NewRequestId();
    auto parser = std::make_unique<beast::http::request_parser<beast::http::string_body>>();
    parser->header_limit(static_cast<std::uint32_t>(state_->options.max_header_bytes));
    // The route's limit is known only after the header, so the parser's own default (1 MB)
    // must not turn a larger declared length into a framing error first.
    parser->body_limit(std::numeric_limits<std::uint64_t>::max());

    // One expiry covers the header and the body, as header_timeout promises.
    stream_.expires_after(state_->options.header_timeout);
    auto [header_ec, header_bytes] =
        co_await beast::http::async_read_header(stream_, buffer_, *parser, kUseTuple);
    if (header_ec) {
      RejectFraming(header_ec, *parser);
      co_return;
    }

    const BeastRequest& header = parser->get();
    std::string path(header.target().substr(0, header.target().find('?')));
    Router::Match match = state_->router->Find(std::string(header.method_string()), path);
    std::uint64_t body_limit = match.limits.max_body_bytes;
    // The parser checks Content-Length against body_limit only while it reads the header, so a
    // declared length is checked here. Chunked bodies hit body_limit while they are read.
    if (parser->content_length() && *parser->content_length() > body_limit) {
      RejectBodyTooLarge(header, body_limit);
      co_return;
    }
    parser->body_limit(body_limit);

    auto [body_ec, body_bytes] =
        co_await beast::http::async_read(stream_, buffer_, *parser, kUseTuple);
    if (body_ec == beast::http::error::body_limit) {
      RejectBodyTooLarge(parser->get(), body_limit);
      co_return;
    }
    if (body_ec) {
      RejectFraming(body_ec, *parser);
      co_return;
    }
    Dispatch(parser->release(), std::move(match));
  }

  void RejectFraming(beast::error_code ec,
                     const beast::http::request_parser<beast::http::string_body>& parser) {
    reader_done_ = true;
    // End of stream, a timeout or a cancelled read is a peer going away, not a bad request.
    bool framing =
        ec.category() == beast::http::make_error_code(beast::http::error::bad_target).category() &&
        ec != beast::http::error::end_of_stream && ec != beast::http::error::partial_message;
    if (!framing || !parser.got_some()) {
      return;
    }
    Logger("http")->debug("request rejected request_id={} status={} error=\"{}\"", request_id_,
                          ec == beast::http::error::header_limit ? 431 : 400, ec.message());
    if (ec == beast::http::error::header_limit) {
      PushError(HttpResponse::Error(431, "header_too_large",
                                    "request line and headers exceed max_header_bytes=" +
                                        std::to_string(state_->options.max_header_bytes)),
                "");
      return;
    }
    PushError(HttpResponse::Error(400, "bad_request", "malformed HTTP request: " + ec.message()),
              "");
  }

  void RejectBodyTooLarge(const BeastRequest& header, std::uint64_t body_limit) {
    reader_done_ = true;
    Logger("http")->debug("request rejected request_id={} status=413 max_body_bytes={}",
                          request_id_, body_limit);
    PushError(HttpResponse::Error(413, "body_too_large",
                                  "request body exceeds the limit of " +
                                      std::to_string(body_limit) + " bytes for this route",
                                  "max_body_bytes"),
              std::string(header.method_string()));
  }

  // Queues an error response after which the connection closes, because the rest of the stream
  // cannot be framed.
  void PushError(HttpResponse response, std::string method) {
    Slot slot{next_sequence_++,  std::move(response), false,   false, 11,
              std::move(method), request_id_,         started_};
    slots_.push_back(std::move(slot));
    writer_wakeup_.cancel();
  }

  void Dispatch(BeastRequest beast_request, Router::Match match);
  Responder MakeResponder(std::uint64_t sequence);
  net::awaitable<void> WriteLoop();
  void RecordResponse(const Slot& slot);
  net::awaitable<void> Linger();

  std::shared_ptr<ServerState> state_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::deque<Slot> slots_;
  std::uint64_t next_sequence_ = 0;
  // Each timer wakes one coroutine when cancelled. Both coroutines run on the strand, so a
  // wakeup cannot slip in between checking a condition and starting the wait.
  net::steady_timer reader_wakeup_;
  net::steady_timer writer_wakeup_;
  bool reader_done_ = false;
  bool closed_ = false;
  bool shutdown_sent_ = false;
  bool upgraded_ = false;
  std::optional<Upgrade> upgrade_;
  // The strand, kept apart from stream_ because the stream moves to the WebSocket session.
  net::any_io_executor executor_;
  std::uint64_t id_;
  std::string remote_address_;
  std::string request_id_;
  std::chrono::steady_clock::time_point started_;
};

HttpRequest ToHttpRequest(BeastRequest& beast_request, bool move_body) {
  HttpRequest request;
  request.method = std::string(beast_request.method_string());
  request.target = std::string(beast_request.target());
  std::size_t question = request.target.find('?');
  request.path = request.target.substr(0, question);
  if (question != std::string::npos) {
    request.query = request.target.substr(question + 1);
  }
  for (const auto& field : beast_request) {
    request.headers.Add(std::string(field.name_string()), std::string(field.value()));
  }
  request.body = move_body ? std::move(beast_request.body()) : beast_request.body();
  return request;
}

void Connection::Dispatch(BeastRequest beast_request, Router::Match match) {
  bool upgrade = match.websocket && websocket::is_upgrade(beast_request);
  HttpRequest request = ToHttpRequest(beast_request, !upgrade);
  request.remote_address = remote_address_;
  request.request_id = request_id_;
  request.path_params = std::move(match.path_params);
  Slot slot{next_sequence_++,
            std::nullopt,
            beast_request.keep_alive(),
            false,
            beast_request.version(),
            request.method,
            request_id_,
            started_};

  if (upgrade) {
    std::optional<HttpResponse> rejection = match.websocket->Accept(request);
    if (!rejection) {
      upgrade_ = Upgrade{std::move(beast_request), std::move(request), match.websocket};
      // The writer drains earlier responses and ends, then Run hands the stream over.
      reader_done_ = true;
      writer_wakeup_.cancel();
      return;
    }
    slot.response = std::move(*rejection);
  } else if (match.websocket) {
    slot.response =
        HttpResponse::Error(426, "upgrade_required", "this path accepts WebSocket upgrades only");
    slot.response->headers.Set("Upgrade", "websocket");
  } else if (!match.handler) {
    slot.response =
        match.path_known
            ? HttpResponse::Error(405, "method_not_allowed",
                                  "method " + request.method + " is not allowed on " + request.path)
            : HttpResponse::Error(404, "not_found", "no route for " + request.path);
  }
  if (slot.response) {
    slots_.push_back(std::move(slot));
    writer_wakeup_.cancel();
    return;
  }

  slot.in_flight = true;
  state_->BeginRequest();
  std::uint64_t sequence = slot.sequence;
  slots_.push_back(std::move(slot));
  Responder responder = MakeResponder(sequence);
  try {
    (*match.handler)(std::move(request), responder);
  } catch (const std::exception& error) {
    Logger("http")->error("request failed request_id={} error=\"{}\"", request_id_, error.what());
    responder(HttpResponse::Error(500, "internal_error", "the request handler failed"));
  }
}

Responder Connection::MakeResponder(std::uint64_t sequence) {
  auto called = std::make_shared<std::atomic<bool>>(false);
  return [state = state_, weak = weak_from_this(), sequence, called,
          request_id = request_id_](HttpResponse response) {
    if (called->exchange(true)) {
      Logger("http")->warn("responder called twice request_id={}", request_id);
      return;
    }
    state->PostTo(weak, [sequence, response = std::move(response)](Connection& self) mutable {
      self.Complete(sequence, std::move(response));
    });
  };
}

net::awaitable<void> Connection::WriteLoop() {
  while (true) {
    while (!closed_ && (slots_.empty() || !slots_.front().response)) {
      if (slots_.empty() && reader_done_) {
        co_return;
      }
      co_await Wait(writer_wakeup_);
    }
    if (closed_) {
      co_return;
    }

    Slot slot = std::move(slots_.front());
    slots_.pop_front();
    reader_wakeup_.cancel();
    bool keep_alive = slot.keep_alive && !state_->stopping;
    beast::http::response<beast::http::string_body> response{
        static_cast<beast::http::status>(slot.response->status), slot.version};
    for (auto& [name, value] : slot.response->headers.Lines()) {
      response.insert(name, value);
    }
    response.set("X-Request-Id", slot.request_id);
    response.body() = std::move(slot.response->body);
    response.keep_alive(keep_alive);
    response.prepare_payload();

    stream_.expires_after(state_->options.header_timeout);
    auto [ec, bytes] = co_await beast::http::async_write(stream_, response, kUseTuple);
    RecordResponse(slot);
    if (ec) {
      Logger("http")->debug("response write failed request_id={} error=\"{}\"", slot.request_id,
                            ec.message());
      CloseSocket();
      co_return;
    }
    if (!keep_alive) {
      // Requests pipelined after this one are dropped. The reader stops and Run lingers.
      shutdown_sent_ = true;
      reader_done_ = true;
      stream_.cancel();
      reader_wakeup_.cancel();
      co_return;
    }
  }
}

void Connection::RecordResponse(const Slot& slot) {
  auto elapsed = std::chrono::steady_clock::now() - slot.started;
  double seconds = std::chrono::duration<double>(elapsed).count();
  CountRequest(slot.method, slot.response->status);
  state_->request_duration.Observe(seconds);
  if (slot.in_flight) {
    state_->EndRequest();
  }
  Logger("http")->debug("request completed request_id={} method={} status={} elapsed_ms={}",
                        slot.request_id, slot.method, slot.response->status,
                        static_cast<long>(seconds * 1000));
}

net::awaitable<void> Connection::Linger() {
  if (closed_) {
    co_return;
  }
  beast::error_code ignored;
  stream_.socket().shutdown(net::ip::tcp::socket::shutdown_send, ignored);
  stream_.expires_after(kLingerTime);
  std::array<char, 4096> scratch;
  std::size_t drained = 0;
  while (drained < kLingerMaxBytes) {
    auto [ec, bytes] = co_await stream_.async_read_some(net::buffer(scratch), kUseTuple);
    if (ec) {
      break;
    }
    drained += bytes;
  }
  CloseSocket();
}

}  // namespace

net::awaitable<void> RunConnection(std::shared_ptr<ServerState> state,
                                   net::ip::tcp::socket socket) {
  auto connection = std::make_shared<Connection>(std::move(state), std::move(socket));
  co_await connection->Run();
}

}  // namespace mobilelink::http::detail
