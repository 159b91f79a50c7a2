// A provider that reads a send request and then closes the connection without a response may
// have accepted the message. These tests count the requests that such a peer receives: a send
// must reach it once, and the outbox must not send the message again at once.

#include <atomic>
#include <chrono>
#include <functional>
#include <ctime>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/buffers_iterator.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "mobilelink/bot/tier_zero_bot.hpp"
#include "mobilelink/channels/registry.hpp"
#include "mobilelink/common/testing/temp_dir.hpp"
#include "mobilelink/http/client.hpp"
#include "mobilelink/outbox/outbox_worker.hpp"
#include "mobilelink/store/store.hpp"
#include "testing/wait_until.hpp"
#include "testing/whatsapp_inbox.hpp"

namespace mobilelink {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using std::chrono::milliseconds;
using std::chrono::seconds;

using mobilelink::testing::WaitUntil;

// A loopback HTTP peer that reads whole requests and records their request lines. A responder
// picks, for each request, the body of a 200 response or no response: the peer then closes the
// connection after reading the request.
class CuttingPeer {
 public:
  // Takes the request line and the number of requests answered before it on its connection.
  using Responder =
      std::function<std::optional<std::string>(const std::string& request_line, int served)>;

  // Responds with `body` to the first `answered_per_connection` requests of each connection and
  // closes the connection after reading the next one.
  CuttingPeer(int answered_per_connection, std::string body)
      : CuttingPeer([answered_per_connection, body = std::move(body)](
                        const std::string&, int served) -> std::optional<std::string> {
          if (served >= answered_per_connection) {
            return std::nullopt;
          }
          return body;
        }) {}

  explicit CuttingPeer(Responder responder)
      : responder_(std::move(responder)),
        acceptor_(io_context_, {asio::ip::make_address("127.0.0.1"), 0}) {
    thread_ = std::thread([this] { Run(); });
  }

  ~CuttingPeer() {
    stopping_ = true;
    boost::system::error_code ignored;
    // A connection to itself wakes the blocking accept.
    tcp::socket wake(io_context_);
    wake.connect(acceptor_.local_endpoint(), ignored);
    thread_.join();
  }

  [[nodiscard]] std::string BaseUrl() const {
    return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port());
  }

  [[nodiscard]] int Requests() const { return requests_; }

  // Returns the number of requests whose request line starts with `method` and a space.
  [[nodiscard]] int RequestsWithMethod(const std::string& method) const {
    std::lock_guard lock(mutex_);
    int count = 0;
    for (const auto& line : request_lines_) {
      if (line.rfind(method + " ", 0) == 0) {
        ++count;
      }
    }
    return count;
  }

 private:
  void Run() {
    while (!stopping_) {
      tcp::socket socket(io_context_);
      boost::system::error_code error;
      acceptor_.accept(socket, error);
      if (error || stopping_) {
        return;
      }
      Serve(socket);
    }
  }

  void Serve(tcp::socket& socket) {
    asio::streambuf buffer;
    for (int served = 0;; ++served) {
      boost::system::error_code error;
      const std::size_t header_bytes = asio::read_until(socket, buffer, "\r\n\r\n", error);
      if (error) {
        return;
      }
      std::string head(asio::buffers_begin(buffer.data()),
                       asio::buffers_begin(buffer.data()) + static_cast<long>(header_bytes));
      buffer.consume(header_bytes);
      std::size_t length = 0;
      for (const std::string name : {"Content-Length: ", "content-length: "}) {
        if (const auto at = head.find(name); at != std::string::npos) {
          length = std::stoul(head.substr(at + name.size()));
        }
      }
      if (buffer.size() < length) {
        asio::read(socket, buffer, asio::transfer_exactly(length - buffer.size()), error);
      }
      buffer.consume(length);
      const std::string request_line = head.substr(0, head.find("\r\n"));
      {
        std::lock_guard lock(mutex_);
        request_lines_.push_back(request_line);
      }
      ++requests_;
      const std::optional<std::string> body = responder_(request_line, served);
      if (!body) {
        socket.close();
        return;
      }
      const std::string response = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                   "Content-Length: " +
                                   std::to_string(body->size()) + "\r\n\r\n" + *body;
      asio::write(socket, asio::buffer(response), error);
    }
  }

  Responder responder_;
  asio::io_context io_context_;
  tcp::acceptor acceptor_;
  mutable std::mutex mutex_;
  std::vector<std::string> request_lines_;
  std::atomic<int> requests_{0};
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

TEST(ProviderConnectionCut, ClientPostOnceOnReusedConnection) {
  CuttingPeer peer(1, R"({"ok":true})");
  http::ClientOptions options;
  options.loopback_only = true;
  auto client = http::MakeHttpClient(options);
  http::ClientRequest first;
  first.method = "POST";
  first.url = peer.BaseUrl() + "/first";
  first.body = "a";
  first.timeout = seconds(5);
  const auto first_result = client->Send(first);
  ASSERT_TRUE(std::holds_alternative<http::ClientResponse>(first_result));

  // The peer reads this request on the kept-alive connection and closes it unanswered, as a
  // provider does that accepts a message and then fails. Sending it again repeats the message.
  http::ClientRequest second = first;
  second.url = peer.BaseUrl() + "/second";
  const auto second_result = client->Send(second);
  EXPECT_TRUE(std::holds_alternative<http::ClientError>(second_result));
  EXPECT_EQ(peer.Requests(), 2);
}

TEST(ProviderConnectionCut, ClientReportsCutPostAsMaybeReceived) {
  CuttingPeer peer(0, "");
  auto client = http::MakeHttpClient({.loopback_only = true});

  const auto result =
      client->Send({.method = "POST", .url = peer.BaseUrl() + "/send", .body = "a", .timeout = seconds(5)});

  ASSERT_TRUE(std::holds_alternative<http::ClientError>(result));
  const auto& error = std::get<http::ClientError>(result);
  EXPECT_EQ(error.kind, http::ClientErrorKind::kProtocol);
  EXPECT_TRUE(error.may_have_reached_peer);
  EXPECT_EQ(peer.Requests(), 1);
}

TEST(ProviderConnectionCut, ClientRepeatsGetOnReusedConnection) {
  CuttingPeer peer(1, R"({"ok":true})");
  auto client = http::MakeHttpClient({.loopback_only = true});
  const http::ClientRequest request{
      .method = "GET", .url = peer.BaseUrl() + "/contact", .timeout = seconds(5)};
  ASSERT_TRUE(std::holds_alternative<http::ClientResponse>(client->Send(request)));

  // The reused connection closes after the peer read the GET, and a GET is safe to repeat.
  const auto result = client->Send(request);

  ASSERT_TRUE(std::holds_alternative<http::ClientResponse>(result))
      << std::get<http::ClientError>(result).message;
  EXPECT_EQ(std::get<http::ClientResponse>(result).status, 200);
  EXPECT_EQ(peer.Requests(), 3);
}

TEST(ProviderConnectionCut, WhatsAppCutSendAwaitsStatus) {
  CuttingPeer peer(0, "");
  mobilelink::testing::TempDir dir;
  store::SqliteOptions store_options;
  store_options.path = (dir.Path() / "mobilelink.db").string();
  store_options.synchronous = "NORMAL";
  auto store = store::OpenSqliteStore(store_options);

  core::ManualTimeSource clock{std::chrono::floor<seconds>(core::Clock::now())};
  bot::BotConfig bot_config;
  bot_config.handoff_message = "Passing you to a person.";
  bot_config.fallback_message = "Sorry, I did not understand.";
  bot_config.rules = {{"opening_hours", {"opening hours"}, {}, "We open at 8."}};
  core::ConversationService service(
      std::map<std::string, core::InboxProfile>{
          {"wa", {"wa", "whatsapp", channels::FindAdapter("whatsapp")->GetCapabilities()}}},
      std::make_shared<bot::TierZeroBot>(bot_config), core::ComplianceTexts{"Bye.", "Hi.", "Help."},
      clock);

  core::InboundMessage inbound;
  inbound.inbox_id = "wa";
  inbound.provider_message_id = "wamid.CUT0001";
  inbound.from = {core::IdentityKind::kPhone, "+12025550100", "wa"};
  inbound.text = "opening hours?";
  const auto stored = store->WriteAndWait(
      [&](core::Repository& repository) { service.ReceiveInbound(repository, inbound); });
  ASSERT_TRUE(stored.ok) << stored.error;

  outbox::WorkerOptions options;
  options.outbox.workers = 1;
  options.outbox.base_backoff = milliseconds(1);
  options.outbox.max_backoff = milliseconds(10);
  options.outbox.send_timeout = seconds(5);
  options.outbox.whatsapp_status_wait = seconds(60);
  options.public_url = "http://127.0.0.1:9";
  options.client.loopback_only = true;
  options.idle_poll = milliseconds(10);
  const channels::InboxConfig inbox = testing::WhatsAppTestInbox(peer.BaseUrl());
  outbox::OutboxWorker worker(options, {inbox}, *store, service, clock, nullptr);
  worker.Start();

  ASSERT_TRUE(WaitUntil([&] { return peer.Requests() >= 1; }));
  std::this_thread::sleep_for(milliseconds(300));
  std::int64_t unknown = 0;
  store->Read([&](core::Repository& repository) { unknown = repository.CountOutbox("unknown"); });
  // Two seconds are far past the retry backoff and far short of the status wait.
  clock.Advance(seconds(2));
  worker.Notify();
  std::this_thread::sleep_for(milliseconds(500));
  worker.Stop(seconds(5));
  store->Stop();

  // The send may have been accepted, so it waits for a status webhook naming its row.
  EXPECT_EQ(peer.Requests(), 1);
  EXPECT_EQ(unknown, 1);
}

// Returns `time` as RFC 2822 in UTC, the format of Twilio's date_created.
std::string Rfc2822(core::TimePoint time) {
  const std::time_t seconds_since_epoch = core::Clock::to_time_t(time);
  std::tm utc{};
  gmtime_r(&seconds_since_epoch, &utc);
  char text[64];
  std::strftime(text, sizeof(text), "%a, %d %b %Y %H:%M:%S +0000", &utc);
  return text;
}

TEST(ProviderConnectionCut, TwilioCutSendIsLookedUpNotResent) {
  constexpr char kAnswer[] = "We open at 8.";
  constexpr char kCustomer[] = "+12025550100";
  core::ManualTimeSource clock{std::chrono::floor<seconds>(core::Clock::now())};
  // The peer closes every send unanswered after reading it, and its message list shows the send
  // as accepted, as Twilio does when it created the message and the connection broke after.
  const std::string listed = fmt::format(
      R"({{"messages":[{{"sid":"SMcut0001","to":"{}","from":"+12025550145","body":"{}",)"
      R"("direction":"outbound-api","status":"queued","date_created":"{}"}}]}})",
      kCustomer, kAnswer, Rfc2822(clock.Now()));
  CuttingPeer peer([&](const std::string& request_line, int) -> std::optional<std::string> {
    if (request_line.rfind("GET ", 0) == 0) {
      return listed;
    }
    return std::nullopt;
  });
  mobilelink::testing::TempDir dir;
  store::SqliteOptions store_options;
  store_options.path = (dir.Path() / "mobilelink.db").string();
  store_options.synchronous = "NORMAL";
  auto store = store::OpenSqliteStore(store_options);

  bot::BotConfig bot_config;
  bot_config.handoff_message = "Passing you to a person.";
  bot_config.fallback_message = "Sorry, I did not understand.";
  bot_config.rules = {{"opening_hours", {"opening hours"}, {}, kAnswer}};
  core::ConversationService service(
      std::map<std::string, core::InboxProfile>{
          {"sms", {"sms", "twilio_sms", channels::FindAdapter("twilio_sms")->GetCapabilities()}}},
      std::make_shared<bot::TierZeroBot>(bot_config), core::ComplianceTexts{"Bye.", "Hi.", "Help."},
      clock);

  core::InboundMessage inbound;
  inbound.inbox_id = "sms";
  inbound.provider_message_id = "SMin0001";
  inbound.from = {core::IdentityKind::kPhone, kCustomer, "sms"};
  inbound.text = "opening hours?";
  core::InboundOutcome outcome;
  const auto stored = store->WriteAndWait(
      [&](core::Repository& repository) { outcome = service.ReceiveInbound(repository, inbound); });
  ASSERT_TRUE(stored.ok) << stored.error;
  ASSERT_EQ(outcome.queued.size(), 1u);

  outbox::WorkerOptions options;
  options.outbox.workers = 1;
  options.outbox.base_backoff = milliseconds(1);
  options.outbox.max_backoff = milliseconds(10);
  options.outbox.send_timeout = seconds(5);
  options.public_url = "http://127.0.0.1:9";
  options.client.loopback_only = true;
  options.idle_poll = milliseconds(10);
  channels::InboxConfig inbox{"sms",
                              "twilio_sms",
                              {{"account_sid", "AC00000000000000000000000000000001"},
                               {"auth_token", "test_auth_token"},
                               {"from", "+12025550145"},
                               {"api_base_url", peer.BaseUrl()},
                               {"rate_per_second", "1000"}}};
  outbox::OutboxWorker worker(options, {inbox}, *store, service, clock, nullptr);
  worker.Start();

  std::int64_t done = 0;
  const bool settled = WaitUntil([&] {
    store->Read([&](core::Repository& repository) { done = repository.CountOutbox("done"); });
    return done == 1;
  });
  std::optional<core::Message> reply;
  store->Read([&](core::Repository& repository) {
    reply = repository.GetMessage(outcome.queued[0].message_id);
  });
  worker.Stop(seconds(5));
  store->Stop();

  EXPECT_TRUE(settled);
  EXPECT_EQ(peer.RequestsWithMethod("POST"), 1);
  EXPECT_EQ(peer.RequestsWithMethod("GET"), 1);
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->provider_message_id, "SMcut0001");
}

}  // namespace
}  // namespace mobilelink
