#include "mobilelink/http/server.hpp"

#include <future>
#include <mutex>
#include <thread>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <gtest/gtest.h>

#include "mobilelink/common/metrics.hpp"
#include "mobilelink/http/client.hpp"

namespace mobilelink::http {
namespace {

namespace beast = boost::beast;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;

constexpr auto kWait = 5s;

// A raw loopback connection for cases the client cannot express: pipelining, bad framing.
class RawConnection {
 public:
  explicit RawConnection(std::uint16_t port) : stream_(io_context_) {
    stream_.expires_after(kWait);
    stream_.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  }

  void Write(const std::string& bytes) {
    stream_.expires_after(kWait);
    net::write(stream_.socket(), net::buffer(bytes));
  }

  // Reads one response, or returns an error code when the server closed or the wait ran out.
  beast::error_code Read(beast::http::response<beast::http::string_body>& response) {
    std::optional<beast::error_code> result;
    stream_.expires_after(kWait);
    beast::http::async_read(stream_, buffer_, response,
                            [&](beast::error_code ec, std::size_t) { result = ec; });
    io_context_.restart();
    io_context_.run();
    return *result;
  }

  void Close() { stream_.socket().close(); }

 private:
  net::io_context io_context_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
};

// Connects until the port refuses, for up to kWait.
bool WaitUntilRefused(std::uint16_t port) {
  auto deadline = std::chrono::steady_clock::now() + kWait;
  while (std::chrono::steady_clock::now() < deadline) {
    net::io_context io_context;
    tcp::socket socket(io_context);
    boost::system::error_code ec;
    socket.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port), ec);
    if (ec == net::error::connection_refused) {
      return true;
    }
  }
  return false;
}

double CounterValue(std::string_view name, const MetricLabels& labels = {}) {
  return GlobalMetrics().GetCounter(name, "", labels).Value();
}

class HttpServerTest : public ::testing::Test {
 protected:
  void StartServer(ServerOptions options = {}) {
    server_ = std::make_unique<Server>(options, router_);
    server_->Start();
  }

  void TearDown() override {
    if (server_) {
      server_->Stop(1s);
    }
  }

  std::string Url(std::string_view path) const {
    return "http://127.0.0.1:" + std::to_string(server_->Port()) + std::string(path);
  }

  ClientResponse Get(std::string_view path, std::string method = "GET", std::string body = "") {
    auto client = MakeHttpClient({.loopback_only = true});
    ClientResult result = client->Send(
        {.method = std::move(method), .url = Url(path), .body = std::move(body), .timeout = kWait});
    if (std::holds_alternative<ClientError>(result)) {
      ADD_FAILURE() << std::get<ClientError>(result).message;
      return {};
    }
    return std::get<ClientResponse>(result);
  }

  std::shared_ptr<Router> router_ = std::make_shared<Router>();
  std::unique_ptr<Server> server_;
};

TEST_F(HttpServerTest, AnswersWithRequestIdAndParams) {
  router_->Add("POST", "/webhooks/twilio/{inbox}", [](HttpRequest&& request, Responder respond) {
    respond(HttpResponse::Text(201, request.path_params["inbox"] + ":" + request.body + ":" +
                                        request.QueryParam("x").value_or("")));
  });
  StartServer();

  ClientResponse response = Get("/webhooks/twilio/main?x=1", "POST", "Body=hi");

  EXPECT_EQ(response.status, 201);
  EXPECT_EQ(response.body, "main:Body=hi:1");
  auto request_id = response.headers.Get("X-Request-Id");
  ASSERT_TRUE(request_id.has_value());
  EXPECT_EQ(request_id->size(), 16u);
  EXPECT_EQ(request_id->find_first_not_of("0123456789abcdef"), std::string::npos);
}

TEST_F(HttpServerTest, DualStackListenerNamesIpv4PeerInIpv4Form) {
  router_->Add("GET", "/peer", [](HttpRequest&& request, Responder respond) {
    respond(HttpResponse::Text(200, request.remote_address));
  });
  ServerOptions options;
  options.host = "::";
  try {
    StartServer(options);
  } catch (const std::runtime_error& error) {
    GTEST_SKIP() << "no IPv6 listener on this machine: " << error.what();
  }

  EXPECT_EQ(Get("/peer").body, "127.0.0.1");
}

TEST_F(HttpServerTest, AnswersUnknownPathWith404) {
  router_->Add("POST", "/oauth/token",
               [](HttpRequest&&, Responder respond) { respond(HttpResponse::Text(200, "ok")); });
  StartServer();

  ClientResponse missing = Get("/nope");
  ClientResponse wrong_method = Get("/oauth/token", "DELETE");

  EXPECT_EQ(missing.status, 404);
  EXPECT_NE(missing.body.find("\"code\":\"not_found\""), std::string::npos);
  EXPECT_EQ(wrong_method.status, 405);
  EXPECT_NE(wrong_method.body.find("\"code\":\"method_not_allowed\""), std::string::npos);
  EXPECT_TRUE(wrong_method.headers.Get("X-Request-Id").has_value());
}

TEST_F(HttpServerTest, RejectsOversizedBodyWith413) {
  router_->Add(
      "POST", "/small",
      [](HttpRequest&&, Responder respond) { respond(HttpResponse::Text(200, "ok")); },
      RouteLimits{.max_body_bytes = 8});
  StartServer();

  ClientResponse declared = Get("/small", "POST", std::string(9, 'x'));
  RawConnection raw(server_->Port());
  raw.Write(
      "POST /small HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5\r\nabcde\r\n5\r\nfghij\r\n0\r\n\r\n");
  beast::http::response<beast::http::string_body> chunked;

  EXPECT_EQ(declared.status, 413);
  EXPECT_NE(declared.body.find("8 bytes"), std::string::npos);
  ASSERT_FALSE(raw.Read(chunked));
  EXPECT_EQ(chunked.result_int(), 413);
  EXPECT_FALSE(chunked.keep_alive());
  EXPECT_EQ(Get("/small", "POST", "12345678").status, 200);
}

TEST_F(HttpServerTest, DeclaredLengthOverOneMegabyteIs413) {
  router_->Add("POST", "/upload",
               [](HttpRequest&&, Responder respond) { respond(HttpResponse::Text(200, "ok")); });
  StartServer();
  RawConnection raw(server_->Port());
  raw.Write("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 2000000\r\n\r\nabc");
  beast::http::response<beast::http::string_body> response;

  ASSERT_FALSE(raw.Read(response));
  EXPECT_EQ(response.result_int(), 413);
  EXPECT_NE(response.body().find(std::to_string(RouteLimits{}.max_body_bytes) + " bytes"),
            std::string::npos)
      << response.body();
}

TEST_F(HttpServerTest, RejectsBadFramingWith400) {
  StartServer();
  RawConnection raw(server_->Port());
  raw.Write("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n");
  beast::http::response<beast::http::string_body> response;

  ASSERT_FALSE(raw.Read(response));
  EXPECT_EQ(response.result_int(), 400);
  EXPECT_NE(response.body().find("\"code\":\"bad_request\""), std::string::npos);
  EXPECT_EQ(response["X-Request-Id"].size(), 16u);
}

TEST_F(HttpServerTest, KeepsConnectionAlive) {
  router_->Add("GET", "/n", [](HttpRequest&& request, Responder respond) {
    respond(HttpResponse::Text(200, request.query));
  });
  StartServer();
  double accepted_before = CounterValue("mobilelink_http_connections_total");
  RawConnection raw(server_->Port());
  beast::http::response<beast::http::string_body> first;
  beast::http::response<beast::http::string_body> second;

  raw.Write("GET /n?1 HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_FALSE(raw.Read(first));
  raw.Write("GET /n?2 HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_FALSE(raw.Read(second));

  EXPECT_EQ(first.body(), "1");
  EXPECT_EQ(second.body(), "2");
  EXPECT_EQ(CounterValue("mobilelink_http_connections_total") - accepted_before, 1);
}

TEST_F(HttpServerTest, AnswersPipelinedRequestsInOrder) {
  std::promise<Responder> slow_responder;
  router_->Add("GET", "/slow", [&](HttpRequest&&, Responder respond) {
    slow_responder.set_value(std::move(respond));
  });
  router_->Add("GET", "/fast",
               [](HttpRequest&&, Responder respond) { respond(HttpResponse::Text(200, "fast")); });
  StartServer();
  RawConnection raw(server_->Port());

  raw.Write("GET /slow HTTP/1.1\r\nHost: x\r\n\r\nGET /fast HTTP/1.1\r\nHost: x\r\n\r\n");
  auto responder = slow_responder.get_future();
  ASSERT_EQ(responder.wait_for(kWait), std::future_status::ready);
  std::thread([respond = responder.get()] { respond(HttpResponse::Text(200, "slow")); }).join();
  beast::http::response<beast::http::string_body> first;
  beast::http::response<beast::http::string_body> second;
  ASSERT_FALSE(raw.Read(first));
  ASSERT_FALSE(raw.Read(second));

  EXPECT_EQ(first.body(), "slow");
  EXPECT_EQ(second.body(), "fast");
}

TEST_F(HttpServerTest, RespondsFromAnotherThread) {
  std::vector<std::thread> workers;
  std::mutex workers_mutex;
  router_->Add("GET", "/later", [&](HttpRequest&& request, Responder respond) {
    std::lock_guard lock(workers_mutex);
    workers.emplace_back(
        [respond, id = request.request_id] { respond(HttpResponse::Text(200, id)); });
  });
  StartServer();

  ClientResponse response = Get("/later");

  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.headers.Get("X-Request-Id"), response.body);
  for (auto& worker : workers) {
    worker.join();
  }
}

TEST_F(HttpServerTest, SurvivesResponderAfterDisconnect) {
  std::promise<Responder> stored;
  router_->Add("GET", "/hold",
               [&](HttpRequest&&, Responder respond) { stored.set_value(std::move(respond)); });
  router_->Add("GET", "/ping",
               [](HttpRequest&&, Responder respond) { respond(HttpResponse::Text(200, "pong")); });
  StartServer();
  {
    RawConnection raw(server_->Port());
    raw.Write("GET /hold HTTP/1.1\r\nHost: x\r\n\r\n");
    auto responder = stored.get_future();
    ASSERT_EQ(responder.wait_for(kWait), std::future_status::ready);
    Responder respond = responder.get();
    raw.Close();
    respond(HttpResponse::Text(200, "too late"));
    respond(HttpResponse::Text(200, "twice"));
  }

  EXPECT_EQ(Get("/ping").body, "pong");
}

TEST_F(HttpServerTest, CountsRequestsByStatusClass) {
  router_->Add("GET", "/ok",
               [](HttpRequest&&, Responder respond) { respond(HttpResponse::Text(200, "ok")); });
  StartServer();
  MetricLabels labels{{"method", "GET"}, {"status", "2xx"}};
  double before = CounterValue("mobilelink_http_requests_total", labels);

  Get("/ok");

  EXPECT_EQ(CounterValue("mobilelink_http_requests_total", labels) - before, 1);
}

TEST_F(HttpServerTest, StopFinishesRequestInFlight) {
  std::promise<Responder> stored;
  router_->Add("GET", "/hold",
               [&](HttpRequest&&, Responder respond) { stored.set_value(std::move(respond)); });
  StartServer();
  RawConnection raw(server_->Port());
  raw.Write("GET /hold HTTP/1.1\r\nHost: x\r\n\r\n");
  auto responder = stored.get_future();
  ASSERT_EQ(responder.wait_for(kWait), std::future_status::ready);

  std::thread stopper([&] { server_->Stop(kWait); });
  // A refused connection shows that Stop has closed the listener and is now in its grace wait.
  ASSERT_TRUE(WaitUntilRefused(server_->Port()));
  responder.get()(HttpResponse::Text(200, "done"));
  beast::http::response<beast::http::string_body> response;
  beast::error_code ec = raw.Read(response);
  stopper.join();
  server_.reset();

  ASSERT_FALSE(ec) << ec.message();
  EXPECT_EQ(response.body(), "done");
  EXPECT_FALSE(response.keep_alive());
}

TEST_F(HttpServerTest, StopGivesUpAfterGrace) {
  std::promise<Responder> stored;
  router_->Add("GET", "/hold",
               [&](HttpRequest&&, Responder respond) { stored.set_value(std::move(respond)); });
  StartServer();
  RawConnection raw(server_->Port());
  raw.Write("GET /hold HTTP/1.1\r\nHost: x\r\n\r\n");
  auto responder = stored.get_future();
  ASSERT_EQ(responder.wait_for(kWait), std::future_status::ready);

  auto started = std::chrono::steady_clock::now();
  server_->Stop(50ms);
  auto elapsed = std::chrono::steady_clock::now() - started;
  responder.get()(HttpResponse::Text(200, "after stop"));
  beast::http::response<beast::http::string_body> response;

  EXPECT_LT(elapsed, 3s);
  EXPECT_TRUE(raw.Read(response));
}

TEST_F(HttpServerTest, StartFailsOnBusyPort) {
  StartServer();
  ServerOptions options;
  options.port = server_->Port();
  Server second(options, router_);

  try {
    second.Start();
    FAIL() << "Start succeeded on a busy port";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("127.0.0.1:" + std::to_string(options.port)),
              std::string::npos);
  }
}

}  // namespace
}  // namespace mobilelink::http
