// A provider that reads a send request and then closes the connection without a response may
// have accepted the message. These tests count the requests that such a peer receives: a send
// must reach it once, and the outbox must not send the message again at once.

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include <boost/asio/buffers_iterator.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <gtest/gtest.h>

#include "mobilelink/bot/tier_zero_bot.hpp"
#include "mobilelink/channels/registry.hpp"
#include "mobilelink/common/testing/temp_dir.hpp"
#include "mobilelink/http/client.hpp"
#include "mobilelink/outbox/outbox_worker.hpp"
#include "mobilelink/store/store.hpp"

namespace mobilelink {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr auto kWaitLimit = seconds(10);

bool WaitUntil(const std::function<bool()>& condition) {
  const auto deadline = std::chrono::steady_clock::now() + kWaitLimit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) {
      return true;
    }
    std::this_thread::sleep_for(milliseconds(5));
  }
  return condition();
}

// A loopback HTTP peer that reads whole requests and counts them. On each connection it
// responds 200 with `body` to the first `answered_per_connection` requests, and closes the
// connection without a response after reading the next one.
class CuttingPeer {
 public:
  CuttingPeer(int answered_per_connection, std::string body)
      : answered_per_connection_(answered_per_connection),
        body_(std::move(body)),
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
      ++requests_;
      if (served >= answered_per_connection_) {
        socket.close();
        return;
      }
      const std::string response = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                   "Content-Length: " +
                                   std::to_string(body_.size()) + "\r\n\r\n" + body_;
      asio::write(socket, asio::buffer(response), error);
    }
  }

  int answered_per_connection_;
  std::string body_;
  asio::io_context io_context_;
  tcp::acceptor acceptor_;
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
  channels::InboxConfig inbox{"wa",
                              "whatsapp",
                              {{"phone_number_id", "100000000000001"},
                               {"access_token", "token"},
                               {"app_secret", "secret"},
                               {"verify_token", "verify"},
                               {"api_base_url", peer.BaseUrl()}}};
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

}  // namespace
}  // namespace mobilelink
