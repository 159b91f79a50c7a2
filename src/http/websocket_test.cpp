#include <future>
#include <mutex>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <gtest/gtest.h>

#include "mobilelink/common/metrics.hpp"
#include "mobilelink/http/server.hpp"

namespace mobilelink::http {
namespace {

namespace beast = boost::beast;
namespace net = boost::asio;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;

// Echoes each text frame and records the calls it saw, in order.
class EchoHandler final : public WebSocketHandler {
 public:
  std::optional<HttpResponse> Accept(const HttpRequest& request) override {
    if (request.path_params.at("room") == "closed") {
      return HttpResponse::Error(403, "forbidden", "room is closed");
    }
    return std::nullopt;
  }
  void OnOpen(const std::shared_ptr<WebSocketSession>& session) override {
    Record("open");
    for (int i = 0; i < burst_on_open; ++i) {
      session->Send("burst " + std::to_string(i));
    }
  }
  void OnText(const std::shared_ptr<WebSocketSession>& session, std::string text) override {
    Record("text " + text);
    session->Send(text);
  }
  void OnClose(const std::shared_ptr<WebSocketSession>&) override {
    Record("close");
    closed.set_value();
  }

  std::vector<std::string> Calls() {
    std::lock_guard lock(mutex_);
    return calls_;
  }

  int burst_on_open = 0;
  std::promise<void> closed;

 private:
  void Record(std::string call) {
    std::lock_guard lock(mutex_);
    calls_.push_back(std::move(call));
  }

  std::mutex mutex_;
  std::vector<std::string> calls_;
};

class WebSocketClient {
 public:
  WebSocketClient(std::uint16_t port, const std::string& path) : ws_(io_context_) {
    beast::get_lowest_layer(ws_).expires_after(5s);
    beast::get_lowest_layer(ws_).connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
    beast::get_lowest_layer(ws_).expires_never();
    ws_.set_option(websocket::stream_base::timeout{5s, 5s, false});
    ws_.handshake("127.0.0.1", path);
  }

  void Send(const std::string& text) { ws_.write(net::buffer(text)); }

  // Returns the next text frame, or nullopt with `error` set once the session ends.
  std::optional<std::string> Read(beast::error_code& error) {
    beast::flat_buffer buffer;
    ws_.read(buffer, error);
    if (error) {
      return std::nullopt;
    }
    return beast::buffers_to_string(buffer.data());
  }

  websocket::close_reason Reason() const { return ws_.reason(); }

 private:
  net::io_context io_context_;
  websocket::stream<beast::tcp_stream> ws_;
};

class HttpWebSocketTest : public ::testing::Test {
 protected:
  void StartServer(ServerOptions options = {}) {
    auto router = std::make_shared<Router>();
    router->AddWebSocket("/ws/{room}", handler_);
    server_ = std::make_unique<Server>(options, router);
    server_->Start();
  }

  void TearDown() override {
    if (server_) {
      server_->Stop(1s);
    }
  }

  std::shared_ptr<EchoHandler> handler_ = std::make_shared<EchoHandler>();
  std::unique_ptr<Server> server_;
};

TEST_F(HttpWebSocketTest, EchoesFramesInOrder) {
  StartServer();
  {
    WebSocketClient client(server_->Port(), "/ws/lobby");
    for (int i = 0; i < 20; ++i) {
      client.Send("m" + std::to_string(i));
    }
    for (int i = 0; i < 20; ++i) {
      beast::error_code error;
      EXPECT_EQ(client.Read(error), "m" + std::to_string(i)) << error.message();
    }
  }
  ASSERT_EQ(handler_->closed.get_future().wait_for(5s), std::future_status::ready);

  std::vector<std::string> calls = handler_->Calls();
  ASSERT_EQ(calls.size(), 22u);
  EXPECT_EQ(calls.front(), "open");
  EXPECT_EQ(calls[1], "text m0");
  EXPECT_EQ(calls[20], "text m19");
  EXPECT_EQ(calls.back(), "close");
}

TEST_F(HttpWebSocketTest, RejectsUpgradeWhenHandlerRefuses) {
  StartServer();

  EXPECT_THROW(WebSocketClient(server_->Port(), "/ws/closed"), boost::system::system_error);
}

TEST_F(HttpWebSocketTest, ClosesOverflowingSessionWith1008) {
  handler_->burst_on_open = 100;
  ServerOptions options;
  options.ws_max_queued_frames = 4;
  StartServer(options);
  Counter& overflows = GlobalMetrics().GetCounter("mobilelink_ws_overflow_closes_total", "");
  double before = overflows.Value();

  WebSocketClient client(server_->Port(), "/ws/lobby");
  beast::error_code error;
  int frames = 0;
  while (client.Read(error) && frames < 200) {
    ++frames;
  }

  EXPECT_EQ(error, websocket::error::closed);
  EXPECT_EQ(client.Reason().code, websocket::close_code::policy_error);
  EXPECT_LE(frames, 4);
  EXPECT_EQ(overflows.Value() - before, 1);
}

TEST_F(HttpWebSocketTest, StopClosesSessionWith1001) {
  StartServer();
  WebSocketClient client(server_->Port(), "/ws/lobby");
  client.Send("hello");
  beast::error_code error;
  ASSERT_EQ(client.Read(error), "hello");

  std::thread stopper([&] { server_->Stop(1s); });
  std::optional<std::string> frame = client.Read(error);
  stopper.join();
  server_.reset();

  EXPECT_FALSE(frame.has_value());
  EXPECT_EQ(error, websocket::error::closed);
  EXPECT_EQ(client.Reason().code, websocket::close_code::going_away);
}

}  // namespace
}  // namespace mobilelink::http
