#include "mobilelink/http/websocket_session.hpp"

#include <atomic>
#include <deque>
#include <optional>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include "mobilelink/common/log.hpp"

namespace mobilelink::http::detail {
namespace {

namespace beast = boost::beast;
namespace net = boost::asio;
namespace websocket = beast::websocket;

constexpr auto kUseTuple = net::as_tuple(net::use_awaitable);

// Owns the WebSocket stream. Only coroutines on the strand hold it, so it is destroyed there
// or when the io_context shuts down; handlers reach it through a SessionHandle.
class WebSocketConnection final : public std::enable_shared_from_this<WebSocketConnection> {
 public:
  WebSocketConnection(std::shared_ptr<ServerState> state, beast::tcp_stream stream)
      : state_(std::move(state)), ws_(std::move(stream)), executor_(ws_.get_executor()) {}

  [[nodiscard]] net::any_io_executor Executor() const { return executor_; }

  // Runs on the strand. Frames queued before a close are still written, unless `drop_queue`.
  void Enqueue(std::string text) {
    if (close_reason_) {
      queued_->fetch_sub(1, std::memory_order_relaxed);
      queued_bytes_->fetch_sub(text.size(), std::memory_order_relaxed);
      return;
    }
    queue_.push_back(std::move(text));
    StartWriting();
  }

  void StartClose(websocket::close_reason reason, bool drop_queue) {
    if (close_reason_) {
      return;
    }
    close_reason_ = std::move(reason);
    if (drop_queue) {
      DropQueue();
    }
    StartWriting();
  }

  [[nodiscard]] const std::shared_ptr<std::atomic<std::size_t>>& Queued() const { return queued_; }
  [[nodiscard]] const std::shared_ptr<std::atomic<std::size_t>>& QueuedBytes() const {
    return queued_bytes_;
  }

  websocket::stream<beast::tcp_stream>& Stream() { return ws_; }

 private:
  // Forgets every frame not yet written, with its share of the counters.
  void DropQueue() {
    std::size_t bytes = 0;
    for (const auto& frame : queue_) {
      bytes += frame.size();
    }
    queued_->fetch_sub(queue_.size(), std::memory_order_relaxed);
    queued_bytes_->fetch_sub(bytes, std::memory_order_relaxed);
    queue_.clear();
  }

  void StartWriting() {
    if (writing_) {
      return;
    }
    writing_ = true;
    net::co_spawn(executor_, WriteLoop(shared_from_this()), net::detached);
  }

  // Keeps one async_write in flight at a time, then sends the close frame if one is pending.
  static net::awaitable<void> WriteLoop(std::shared_ptr<WebSocketConnection> self) {
    std::atomic<std::size_t>& queued = *self->queued_;
    while (!self->queue_.empty()) {
      std::string text = std::move(self->queue_.front());
      self->queue_.pop_front();
      self->ws_.text(true);
      auto [ec, bytes] = co_await self->ws_.async_write(net::buffer(text), kUseTuple);
      queued.fetch_sub(1, std::memory_order_relaxed);
      self->queued_bytes_->fetch_sub(text.size(), std::memory_order_relaxed);
      if (ec) {
        self->DropQueue();
        self->writing_ = false;
        co_return;
      }
    }
    if (self->close_reason_ && !self->close_sent_) {
      self->close_sent_ = true;
      co_await self->ws_.async_close(*self->close_reason_, kUseTuple);
    }
    self->writing_ = false;
  }

  std::shared_ptr<ServerState> state_;
  websocket::stream<beast::tcp_stream> ws_;
  net::any_io_executor executor_;
  std::deque<std::string> queue_;
  std::optional<websocket::close_reason> close_reason_;
  // Frames accepted by Send and not yet written or dropped. SessionHandle shares the counter so
  // that Send can reject a frame at once, even when called in a tight loop on the strand.
  std::shared_ptr<std::atomic<std::size_t>> queued_ = std::make_shared<std::atomic<std::size_t>>(0);
  std::shared_ptr<std::atomic<std::size_t>> queued_bytes_ =
      std::make_shared<std::atomic<std::size_t>>(0);
  bool writing_ = false;
  bool close_sent_ = false;
};

// The session as handlers see it. It refers to the connection through a weak_ptr, so a handler that
// keeps a session after the socket closed only gets false from Send.
class SessionHandle final : public WebSocketSession {
 public:
  SessionHandle(std::shared_ptr<ServerState> state,
                const std::shared_ptr<WebSocketConnection>& connection, HttpRequest upgrade)
      : state_(std::move(state)),
        connection_(connection),
        queued_(connection->Queued()),
        queued_bytes_(connection->QueuedBytes()),
        upgrade_(std::move(upgrade)),
        id_(state_->NextId()) {}

  // WebSocketSession
  bool Send(std::string text) override {
    if (closed_.load()) {
      return false;
    }
    const std::size_t size = text.size();
    std::size_t queued = queued_->fetch_add(1, std::memory_order_relaxed) + 1;
    std::size_t bytes = queued_bytes_->fetch_add(size, std::memory_order_relaxed) + size;
    if (queued > state_->options.ws_max_queued_frames ||
        bytes > state_->options.ws_max_queued_bytes) {
      queued_->fetch_sub(1, std::memory_order_relaxed);
      queued_bytes_->fetch_sub(size, std::memory_order_relaxed);
      CloseForOverflow();
      return false;
    }
    bool posted = state_->PostTo(connection_,
                                 [text = std::move(text)](WebSocketConnection& connection) mutable {
                                   connection.Enqueue(std::move(text));
                                 });
    if (!posted) {
      queued_->fetch_sub(1, std::memory_order_relaxed);
      queued_bytes_->fetch_sub(size, std::memory_order_relaxed);
    }
    return posted;
  }

  void Close(std::uint16_t code, std::string reason) override {
    closed_.store(true);
    websocket::close_reason close_reason;
    close_reason.code = code;
    close_reason.reason = reason;
    state_->PostTo(connection_, [close_reason](WebSocketConnection& connection) {
      connection.StartClose(close_reason, false);
    });
  }

  [[nodiscard]] std::uint64_t Id() const override { return id_; }
  [[nodiscard]] const HttpRequest& UpgradeRequest() const override { return upgrade_; }

  void MarkClosed() { closed_.store(true); }

 private:
  void CloseForOverflow() {
    if (closed_.exchange(true)) {
      return;
    }
    state_->websocket_overflow_closes.Increment();
    Logger("ws")->info(
        "websocket closed for overflow session_id={} max_queued_frames={} max_queued_bytes={}", id_,
        state_->options.ws_max_queued_frames, state_->options.ws_max_queued_bytes);
    websocket::close_reason reason(websocket::close_code::policy_error, "outgoing queue full");
    state_->PostTo(connection_, [reason](WebSocketConnection& connection) {
      connection.StartClose(reason, true);
    });
  }

  std::shared_ptr<ServerState> state_;
  std::weak_ptr<WebSocketConnection> connection_;
  std::shared_ptr<std::atomic<std::size_t>> queued_;
  std::shared_ptr<std::atomic<std::size_t>> queued_bytes_;
  HttpRequest upgrade_;
  std::uint64_t id_;
  std::atomic<bool> closed_{false};
};

template <typename Function>
void CallHandler(const std::shared_ptr<SessionHandle>& session, const char* callback,
                 Function&& function) {
  try {
    function();
  } catch (const std::exception& error) {
    Logger("ws")->error("websocket handler failed session_id={} callback={} error=\"{}\"",
                        session->Id(), callback, error.what());
    session->Close(websocket::close_code::internal_error, "handler failed");
  }
}

}  // namespace

net::awaitable<void> RunWebSocket(std::shared_ptr<ServerState> state, beast::tcp_stream stream,
                                  beast::http::request<beast::http::string_body> request,
                                  HttpRequest upgrade, std::shared_ptr<WebSocketHandler> handler) {
  auto connection = std::make_shared<WebSocketConnection>(state, std::move(stream));
  websocket::stream<beast::tcp_stream>& ws = connection->Stream();
  // The WebSocket's own timeouts replace the TCP stream's from here on.
  beast::get_lowest_layer(ws).expires_never();
  ws.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
  ws.read_message_max(state->options.ws_max_message_bytes);
  if (std::string protocol = handler->SelectProtocol(upgrade); !protocol.empty()) {
    ws.set_option(websocket::stream_base::decorator(
        [protocol](websocket::response_type& response) {
          response.set(beast::http::field::sec_websocket_protocol, protocol);
        }));
  }
  auto [accept_ec] = co_await ws.async_accept(request, kUseTuple);
  if (accept_ec) {
    Logger("ws")->debug("websocket upgrade failed request_id={} error=\"{}\"", upgrade.request_id,
                        accept_ec.message());
    co_return;
  }

  auto session = std::make_shared<SessionHandle>(state, connection, std::move(upgrade));
  std::weak_ptr<SessionHandle> weak_session = session;
  state->AddConnection(session->Id(), [weak_session] {
    if (auto open = weak_session.lock()) {
      open->Close(websocket::close_code::going_away, "server shutting down");
    }
  });
  CallHandler(session, "on_open", [&] { handler->OnOpen(session); });

  beast::flat_buffer buffer;
  while (true) {
    auto [read_ec, bytes] = co_await ws.async_read(buffer, kUseTuple);
    if (read_ec) {
      Logger("ws")->debug("websocket closed session_id={} error=\"{}\"", session->Id(),
                          read_ec.message());
      break;
    }
    if (!ws.got_text()) {
      buffer.consume(buffer.size());
      session->Close(websocket::close_code::unknown_data, "binary frames are not supported");
      continue;
    }
    std::string text = beast::buffers_to_string(buffer.data());
    buffer.consume(buffer.size());
    CallHandler(session, "on_text", [&] { handler->OnText(session, std::move(text)); });
  }

  session->MarkClosed();
  state->RemoveConnection(session->Id());
  CallHandler(session, "on_close", [&] { handler->OnClose(session); });
}

}  // namespace mobilelink::http::detail
