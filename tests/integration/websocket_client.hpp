#pragma once

// A small blocking WebSocket client for the web chat tests. Every operation runs the Beast
// asynchronous call on a private io_context for at most a deadline, so a silent server fails
// the test instead of hanging it.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json.hpp>

namespace mobilelink::integration {

namespace beast = boost::beast;

class WebSocketClient final {
 public:
  WebSocketClient() : socket_(io_) {}
  ~WebSocketClient() { Close(); }
  WebSocketClient(const WebSocketClient&) = delete;
  WebSocketClient& operator=(const WebSocketClient&) = delete;

  /// Connects to ws://127.0.0.1:`port``target` and completes the upgrade, offering
  /// `protocol` as Sec-WebSocket-Protocol when it is not empty. Returns an error message, or an
  /// empty string on success.
  std::string Connect(std::uint16_t port, const std::string& target,
                      std::chrono::milliseconds timeout, const std::string& protocol = "") {
    namespace net = boost::asio;
    if (!protocol.empty()) {
      socket_.set_option(beast::websocket::stream_base::decorator(
          [protocol](beast::websocket::request_type& request) {
            request.set(beast::http::field::sec_websocket_protocol, protocol);
          }));
    }
    boost::system::error_code error = net::error::timed_out;
    const net::ip::tcp::endpoint endpoint(net::ip::make_address("127.0.0.1"), port);
    bool finished = false;
    beast::get_lowest_layer(socket_).async_connect(
        endpoint, [&](boost::system::error_code connect_error) {
          if (connect_error) {
            error = connect_error;
            finished = true;
            return;
          }
          socket_.async_handshake(upgrade_response_, "127.0.0.1:" + std::to_string(port), target,
                                  [&](boost::system::error_code handshake_error) {
                                    error = handshake_error;
                                    finished = true;
                                  });
        });
    RunFor(timeout, finished);
    open_ = finished && !error;
    return open_ ? std::string() : "WebSocket connect to " + target + " failed: " + error.message();
  }

  /// Returns the Sec-WebSocket-Protocol of the server's upgrade response.
  std::string AcceptedProtocol() const {
    return std::string(upgrade_response_[beast::http::field::sec_websocket_protocol]);
  }

  /// Sends one text frame. Returns false when the write failed or timed out.
  bool Send(const std::string& text, std::chrono::milliseconds timeout) {
    boost::system::error_code error = boost::asio::error::timed_out;
    bool finished = false;
    socket_.text(true);
    socket_.async_write(boost::asio::buffer(text),
                        [&](boost::system::error_code write_error, std::size_t) {
                          error = write_error;
                          finished = true;
                        });
    RunFor(timeout, finished);
    return finished && !error;
  }

  /// Sends a JSON object as one text frame.
  bool SendJson(const boost::json::object& frame, std::chrono::milliseconds timeout) {
    return Send(boost::json::serialize(frame), timeout);
  }

  /// Reads frames until one whose "type" is `type` arrives, keeping the others in Received().
  /// Returns nullopt when none arrives before `timeout` or the socket closes.
  std::optional<boost::json::object> ReadType(const std::string& type,
                                              std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (auto it = pending_.begin(); it != pending_.end(); ++it) {
      if (TypeOf(*it) == type) {
        auto found = std::move(*it);
        pending_.erase(it);
        return found;
      }
    }
    while (true) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) {
        return std::nullopt;
      }
      auto text = ReadText(left);
      if (!text) {
        return std::nullopt;
      }
      boost::system::error_code parse_error;
      auto value = boost::json::parse(*text, parse_error);
      if (parse_error || !value.is_object()) {
        continue;
      }
      auto frame = std::move(value.as_object());
      received_.push_back(frame);
      if (TypeOf(frame) == type) {
        return frame;
      }
      pending_.push_back(std::move(frame));
    }
  }

  /// Returns every JSON frame read so far, in order of arrival.
  [[nodiscard]] const std::vector<boost::json::object>& Received() const { return received_; }

  void Close() {
    if (!open_) {
      return;
    }
    open_ = false;
    bool finished = false;
    socket_.async_close(boost::beast::websocket::close_code::normal,
                        [&](boost::system::error_code) { finished = true; });
    RunFor(std::chrono::milliseconds(1000), finished);
    boost::system::error_code ignored;
    beast::get_lowest_layer(socket_).socket().close(ignored);
  }

 private:
  static std::string TypeOf(const boost::json::object& frame) {
    const auto* type = frame.if_contains("type");
    return type != nullptr && type->is_string() ? std::string(type->as_string()) : std::string();
  }

  std::optional<std::string> ReadText(std::chrono::milliseconds timeout) {
    boost::beast::flat_buffer buffer;
    boost::system::error_code error = boost::asio::error::timed_out;
    bool finished = false;
    socket_.async_read(buffer, [&](boost::system::error_code read_error, std::size_t) {
      error = read_error;
      finished = true;
    });
    RunFor(timeout, finished);
    if (!finished || error) {
      return std::nullopt;
    }
    return boost::beast::buffers_to_string(buffer.data());
  }

  // Runs the io_context until `finished` is set or `timeout` passes. On timeout it cancels the
  // pending operation and runs its handler, so no handler outlives the caller's frame.
  void RunFor(std::chrono::milliseconds timeout, bool& finished) {
    io_.restart();
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!finished && std::chrono::steady_clock::now() < deadline && !io_.stopped()) {
      io_.run_one_until(deadline);
    }
    if (!finished) {
      boost::system::error_code ignored;
      beast::get_lowest_layer(socket_).socket().cancel(ignored);
      io_.restart();
      io_.run_for(std::chrono::milliseconds(1000));
      open_ = false;
    }
  }

  boost::asio::io_context io_;
  beast::websocket::response_type upgrade_response_;
  boost::beast::websocket::stream<boost::beast::tcp_stream> socket_;
  std::vector<boost::json::object> received_;
  std::vector<boost::json::object> pending_;
  bool open_ = false;
};

}  // namespace mobilelink::integration
