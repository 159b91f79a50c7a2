#include "mobilelink/http/client.hpp"

#include <future>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <gtest/gtest.h>

#include "mobilelink/common/metrics.hpp"
#include "mobilelink/http/server.hpp"

namespace mobilelink::http {
namespace {

using namespace std::chrono_literals;

ClientErrorKind ErrorKind(const ClientResult& result) {
  EXPECT_TRUE(std::holds_alternative<ClientError>(result));
  return std::holds_alternative<ClientError>(result) ? std::get<ClientError>(result).kind
                                                     : ClientErrorKind::kProtocol;
}

std::uint16_t UnusedPort() {
  boost::asio::io_context io_context;
  boost::asio::ip::tcp::acceptor acceptor(io_context,
                                          {boost::asio::ip::make_address("127.0.0.1"), 0});
  return acceptor.local_endpoint().port();
}

class HttpClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router_->Add("POST", "/echo", [](HttpRequest&& request, Responder respond) {
      std::string agent = request.headers.Get("User-Agent").value_or("");
      std::string host = request.headers.Get("Host").value_or("");
      respond(HttpResponse::Text(200, agent + "|" + host + "|" + request.body));
    });
    router_->Add("GET", "/hang",
                 [this](HttpRequest&&, Responder respond) { held_.push_back(std::move(respond)); });
  }

  void StartServer(std::uint16_t port = 0) {
    ServerOptions options;
    options.port = port;
    server_ = std::make_unique<Server>(options, router_);
    server_->Start();
  }

  void TearDown() override {
    if (server_) {
      server_->Stop(0ms);
    }
  }

  std::string Url(std::string_view path) const {
    return "http://127.0.0.1:" + std::to_string(server_->Port()) + std::string(path);
  }

  std::shared_ptr<Router> router_ = std::make_shared<Router>();
  std::vector<Responder> held_;
  std::unique_ptr<Server> server_;
};

TEST_F(HttpClientTest, SendsHostAgentAndBody) {
  StartServer();
  auto client = MakeHttpClient({.loopback_only = true});

  ClientResult result = client->Send({.url = Url("/echo"), .body = "hi"});

  ASSERT_TRUE(std::holds_alternative<ClientResponse>(result));
  const auto& response = std::get<ClientResponse>(result);
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "mobilelink|127.0.0.1:" + std::to_string(server_->Port()) + "|hi");
}

TEST_F(HttpClientTest, ReusesKeepAliveConnection) {
  StartServer();
  auto client = MakeHttpClient({.loopback_only = true});
  Counter& accepted = GlobalMetrics().GetCounter("mobilelink_http_connections_total", "");
  double before = accepted.Value();

  ClientResult first = client->Send({.url = Url("/echo"), .body = "1"});
  ClientResult second = client->Send({.url = Url("/echo"), .body = "2"});

  EXPECT_TRUE(std::holds_alternative<ClientResponse>(first));
  EXPECT_TRUE(std::holds_alternative<ClientResponse>(second));
  EXPECT_EQ(accepted.Value() - before, 1);
}

TEST_F(HttpClientTest, ReconnectsWhenIdleConnectionClosed) {
  StartServer();
  std::uint16_t port = server_->Port();
  auto client = MakeHttpClient({.loopback_only = true});
  ASSERT_TRUE(std::holds_alternative<ClientResponse>(client->Send({.url = Url("/echo")})));

  // A restart on the same port closes the client's idle connection under it.
  server_->Stop(0ms);
  StartServer(port);
  ClientResult result = client->Send({.url = Url("/echo"), .body = "again"});

  ASSERT_TRUE(std::holds_alternative<ClientResponse>(result))
      << std::get<ClientError>(result).message;
  EXPECT_EQ(std::get<ClientResponse>(result).status, 200);
}

TEST_F(HttpClientTest, TimesOutWhenServerNeverAnswers) {
  StartServer();
  auto client = MakeHttpClient({.loopback_only = true});
  auto started = std::chrono::steady_clock::now();

  ClientResult result = client->Send({.method = "GET", .url = Url("/hang"), .timeout = 200ms});

  EXPECT_EQ(ErrorKind(result), ClientErrorKind::kTimeout);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 3s);
}

TEST_F(HttpClientTest, ReportsRefusedConnection) {
  auto client = MakeHttpClient({.loopback_only = true});

  ClientResult result = client->Send(
      {.url = "http://127.0.0.1:" + std::to_string(UnusedPort()) + "/", .timeout = 2s});

  EXPECT_EQ(ErrorKind(result), ClientErrorKind::kConnectionFailed);
  ASSERT_TRUE(std::holds_alternative<ClientError>(result));
  EXPECT_FALSE(std::get<ClientError>(result).may_have_reached_peer);
}

TEST_F(HttpClientTest, TimeoutMayHaveReachedPeer) {
  StartServer();
  auto client = MakeHttpClient({.loopback_only = true});

  ClientResult result = client->Send({.method = "GET", .url = Url("/hang"), .timeout = 200ms});

  ASSERT_TRUE(std::holds_alternative<ClientError>(result));
  EXPECT_TRUE(std::get<ClientError>(result).may_have_reached_peer);
}

TEST(HttpMethods, IdempotentMethods) {
  for (const char* method : {"GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE"}) {
    EXPECT_TRUE(IsIdempotentMethod(method)) << method;
  }
  for (const char* method : {"POST", "PATCH", "CONNECT", "get"}) {
    EXPECT_FALSE(IsIdempotentMethod(method)) << method;
  }
}

TEST_F(HttpClientTest, RejectsNonLoopbackHost) {
  auto client = MakeHttpClient({.loopback_only = true});

  EXPECT_EQ(ErrorKind(client->Send({.url = "http://example.com/"})),
            ClientErrorKind::kHostNotAllowed);
  EXPECT_EQ(ErrorKind(client->Send({.url = "https://10.0.0.1:8443/x"})),
            ClientErrorKind::kHostNotAllowed);
}

TEST_F(HttpClientTest, RejectsInvalidUrl) {
  auto client = MakeHttpClient({.loopback_only = true});

  EXPECT_EQ(ErrorKind(client->Send({.url = "ftp://127.0.0.1/x"})), ClientErrorKind::kInvalidUrl);
  EXPECT_EQ(ErrorKind(client->Send({.url = "not a url"})), ClientErrorKind::kInvalidUrl);
  EXPECT_EQ(ErrorKind(client->Send({.url = "/relative"})), ClientErrorKind::kInvalidUrl);
}

TEST_F(HttpClientTest, FailsTlsHandshakeWithPlainServer) {
  StartServer();
  auto client = MakeHttpClient({.loopback_only = true});

  ClientResult result = client->Send(
      {.url = "https://127.0.0.1:" + std::to_string(server_->Port()) + "/echo", .timeout = 2s});

  EXPECT_EQ(ErrorKind(result), ClientErrorKind::kConnectionFailed);
}

}  // namespace
}  // namespace mobilelink::http
