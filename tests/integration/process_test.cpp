// Tests that run the real binary as a child process: a crash right after a webhook got its
// 2xx response, a crash while an SMS or WhatsApp send is in flight, card numbers kept out of
// the process's files and log, and a second server refused on a store that one already uses.

#include <fstream>

#include "server_fixture.hpp"
#include "server_process.hpp"

namespace mobilelink::integration {
namespace {

constexpr char kCustomer[] = "+12025550123";
constexpr char kCustomerWaId[] = "12025550123";  // kCustomer as WhatsApp writes it.

class Process : public ::testing::Test {
 protected:
  void SetUp() override {
    tools::FakeProviderOptions options;
    options.loopback_callbacks_only = true;
    options.callback_first_backoff = std::chrono::milliseconds(20);
    port_ = FindFreePort();
    public_url_ = "http://127.0.0.1:" + std::to_string(port_);
    fake_ = std::make_unique<tools::FakeProvider>(
        options, tools::ParseToolConfig(Yaml("http://127.0.0.1:1", "info")));
    fake_->Start();
  }

  void TearDown() override {
    if (server_) {
      server_->Stop();
    }
    fake_->Stop();
  }

  std::string Yaml(const std::string& fake_url, const std::string& log_level) const {
    return TestConfigYaml({fake_url, public_url_, StorePath(), log_level});
  }

  std::filesystem::path StorePath() const { return temp_dir_.Path() / "mobilelink.db"; }
  std::filesystem::path LogPath() const { return temp_dir_.Path() / "mobilelink.log"; }

  // Writes the config and starts the binary. The first start moves to another free port when
  // the chosen one was taken meanwhile. A restart keeps the port, because the webhook
  // signatures cover the URL.
  void StartServer(const std::string& log_level) {
    const auto config_path = temp_dir_.Path() / "config.yaml";
    const int attempts = started_ ? 1 : 5;
    std::string error;
    for (int attempt = 0; attempt < attempts; ++attempt) {
      if (attempt > 0) {
        port_ = FindFreePort();
        public_url_ = "http://127.0.0.1:" + std::to_string(port_);
      }
      std::ofstream(config_path) << Yaml(fake_->BaseUrl(), log_level);
      server_ = std::make_unique<ServerProcess>(config_path, port_, LogPath());
      error = server_->Start();
      if (error.empty()) {
        started_ = true;
        return;
      }
    }
    FAIL() << error << "\n" << ReadFileBytes(LogPath());
  }

  http::ClientResponse PostSms(const std::string& sid, const std::string& text) const {
    const std::string path = "/webhooks/twilio/sms";
    const auto form = TwilioInboundForm(sid, kCustomer, text);
    http::ClientRequest request;
    request.url = public_url_ + path;
    request.headers.Set("Content-Type", "application/x-www-form-urlencoded");
    request.headers.Set("X-Twilio-Signature", channels::twilio_sms::ComputeSignature(
                                                  kTwilioAuthToken, public_url_ + path, form));
    request.body = channels::common::EncodeForm(form);
    request.timeout = kWaitLimit;
    return SendRequest(request);
  }

  http::ClientResponse PostWhatsAppText(const std::string& message_id,
                                        const std::string& text) const {
    const std::string body = WhatsAppTextNotification(message_id, kCustomerWaId, text);
    http::ClientRequest request;
    request.url = public_url_ + "/webhooks/whatsapp/whatsapp";
    request.headers.Set("Content-Type", "application/json");
    request.headers.Set("X-Hub-Signature-256",
                        channels::whatsapp::ComputeSignature(kWhatsAppSecret, body));
    request.body = body;
    request.timeout = kWaitLimit;
    return SendRequest(request);
  }

  std::size_t SendsWithText(const std::string& text) const {
    std::size_t count = 0;
    for (const auto& send : fake_->Messages()) {
      count += send.text == text && http::IsSuccess(send.http_status) ? 1 : 0;
    }
    return count;
  }

  bool OutboxIdle() const {
    return StoreReader(StorePath())
               .Integer("SELECT COUNT(*) FROM outbox WHERE state NOT IN ('done','failed')") == 0;
  }

  TempDir temp_dir_;
  std::uint16_t port_ = 0;
  std::string public_url_;
  std::unique_ptr<tools::FakeProvider> fake_;
  std::unique_ptr<ServerProcess> server_;
  bool started_ = false;
};

TEST_F(Process, KillAfterAckKeepsMessage) {
  ASSERT_NO_FATAL_FAILURE(StartServer("info"));
  const std::string sid = "SM60000000000000000000000000000001";
  const auto response = PostSms(sid, "hello");
  ASSERT_EQ(response.status, 200) << response.body;
  server_->Signal(SIGKILL);

  ASSERT_NO_FATAL_FAILURE(StartServer("info"));
  const StoreReader store(StorePath());
  EXPECT_EQ(store.Integer("SELECT COUNT(*) FROM messages WHERE direction = 'inbound' AND "
                          "provider_message_id = '" + sid + "'"),
            1);
  ASSERT_TRUE(WaitUntil([&] { return SendsWithText(kGreetingAnswer) >= 1; }))
      << ReadFileBytes(LogPath());
  ASSERT_TRUE(WaitUntil([&] { return OutboxIdle(); })) << ReadFileBytes(LogPath());
  EXPECT_EQ(SendsWithText(kGreetingAnswer), 1u);
  EXPECT_EQ(store.Text("SELECT state FROM outbox"), "done");
}

TEST_F(Process, KillDuringSendSendsOnce) {
  // The fake records the send at once but sends its response late, so the kill lands while the
  // outbox row is claimed and the provider has already accepted the message.
  tools::FakeBehaviour slow;
  slow.delay = std::chrono::milliseconds(5000);
  fake_->SetBehaviour(slow);
  ASSERT_NO_FATAL_FAILURE(StartServer("info"));
  const std::string sid = "SM60000000000000000000000000000004";
  ASSERT_EQ(PostSms(sid, "hello").status, 200);
  ASSERT_TRUE(WaitUntil([&] { return SendsWithText(kGreetingAnswer) == 1; }))
      << ReadFileBytes(LogPath());
  server_->Signal(SIGKILL);
  fake_->SetBehaviour(tools::FakeBehaviour{});

  ASSERT_NO_FATAL_FAILURE(StartServer("info"));
  ASSERT_TRUE(WaitUntil([&] { return OutboxIdle(); })) << ReadFileBytes(LogPath());
  // The restarted process found the row that the killed one had claimed.
  EXPECT_NE(ReadFileBytes(LogPath()).find("outbox recovery entries=1"), std::string::npos)
      << ReadFileBytes(LogPath());
  const StoreReader store(StorePath());
  EXPECT_EQ(store.Text("SELECT state FROM outbox"), "done");
  EXPECT_EQ(SendsWithText(kGreetingAnswer), 1u);
  EXPECT_EQ(store.Text("SELECT provider_message_id FROM messages WHERE direction = 'outbound'"),
            fake_->Messages().at(0).message_id);
}

TEST_F(Process, KillDuringWhatsAppSendSendsOnce) {
  // The fake accepts the send, responds late and keeps back its status webhooks, so the kill
  // lands while the row is claimed and the statuses reach only the restarted process.
  tools::FakeBehaviour slow;
  slow.delay = std::chrono::milliseconds(5000);
  slow.callbacks = false;
  fake_->SetBehaviour(slow);
  ASSERT_NO_FATAL_FAILURE(StartServer("info"));
  ASSERT_EQ(PostWhatsAppText("wamid.PROCESS0001", "hello").status, 200);
  ASSERT_TRUE(WaitUntil([&] { return SendsWithText(kGreetingAnswer) == 1; }))
      << ReadFileBytes(LogPath());
  server_->Signal(SIGKILL);
  fake_->SetBehaviour(tools::FakeBehaviour{});

  ASSERT_NO_FATAL_FAILURE(StartServer("info"));
  const StoreReader store(StorePath());
  ASSERT_TRUE(WaitUntil([&] { return store.Text("SELECT state FROM outbox") == "unknown"; }))
      << ReadFileBytes(LogPath());
  EXPECT_NE(ReadFileBytes(LogPath()).find("awaiting_status_webhook=1"), std::string::npos)
      << ReadFileBytes(LogPath());
  EXPECT_EQ(fake_->ReleaseHeldCallbacks(), 1u);
  ASSERT_TRUE(WaitUntil([&] { return OutboxIdle(); })) << ReadFileBytes(LogPath());
  EXPECT_EQ(store.Text("SELECT state FROM outbox"), "done");
  EXPECT_EQ(SendsWithText(kGreetingAnswer), 1u);
  EXPECT_EQ(store.Text("SELECT provider_message_id FROM messages WHERE direction = 'outbound'"),
            fake_->Messages().at(0).message_id);
}

TEST_F(Process, CardNumberNeverPersisted) {
  ASSERT_NO_FATAL_FAILURE(StartServer("trace"));
  ASSERT_EQ(PostSms("SM60000000000000000000000000000002", "my card is 4111 1111 1111 1111").status,
            200);
  ASSERT_EQ(PostSms("SM60000000000000000000000000000003", "4111-1111-1111-1111 was declined")
                .status,
            200);
  ASSERT_TRUE(WaitUntil([&] { return SendsWithText(kFallbackMessage) >= 2; }))
      << ReadFileBytes(LogPath());
  ASSERT_TRUE(WaitUntil([&] { return OutboxIdle(); })) << ReadFileBytes(LogPath());

  const StoreReader store(StorePath());
  const auto stored = store.Texts("SELECT text FROM messages WHERE direction = 'inbound' "
                                  "ORDER BY id");
  ASSERT_EQ(stored.size(), 2u);
  EXPECT_EQ(stored[0], "my card is **** **** **** 1111");
  EXPECT_EQ(stored[1], "****-****-****-1111 was declined");
  // Stop gracefully so the store's last writes and the log are flushed to the files.
  server_->Stop();

  // The card appears in these forms: plain, grouped with spaces or dashes, and form-encoded.
  const std::vector<std::string> forms = {"4111111111111111", "4111 1111 1111",
                                          "4111-1111-1111", "4111+1111+1111", "4111%201111"};
  std::vector<std::pair<std::string, std::string>> haystacks;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    const auto path = StorePath().string() + suffix;
    haystacks.emplace_back(path, ReadFileBytes(path));
  }
  haystacks.emplace_back("log", ReadFileBytes(LogPath()));
  for (const auto& send : fake_->Messages()) {
    std::string request = send.path + "\n" + send.body;
    for (const auto& [name, value] : send.headers) {
      request += "\n" + name + ": " + value;
    }
    haystacks.emplace_back("fake provider request " + std::to_string(send.seq), request);
  }
  ASSERT_FALSE(haystacks[0].second.empty()) << "the store file is missing";
  ASSERT_FALSE(haystacks[4].second.empty()) << "the log file is empty";
  for (const auto& [name, bytes] : haystacks) {
    for (const auto& form : forms) {
      EXPECT_EQ(bytes.find(form), std::string::npos) << "'" << form << "' found in " << name;
    }
  }
}

TEST_F(Process, SecondServerOnStoreChangesNothing) {
  // The fake delays its response, so the first server's reply stays claimed in `sending`. A
  // second server that ran outbox recovery would move it to `unknown` under the first.
  tools::FakeBehaviour slow;
  slow.delay = std::chrono::milliseconds(5000);
  fake_->SetBehaviour(slow);
  ASSERT_NO_FATAL_FAILURE(StartServer("info"));
  ASSERT_EQ(PostSms("SM60000000000000000000000000000009", "hello").status, 200);
  ASSERT_TRUE(WaitUntil([&] { return SendsWithText(kGreetingAnswer) == 1; }))
      << ReadFileBytes(LogPath());
  const StoreReader store(StorePath());
  ASSERT_EQ(store.Text("SELECT state FROM outbox"), "sending");

  // Another port, so that only the store lock can stop the second server.
  const auto second_log = temp_dir_.Path() / "second.log";
  ServerProcess second(temp_dir_.Path() / "config.yaml", FindFreePort(), second_log);
  const std::string error = second.Start();

  EXPECT_NE(error.find("exited during start"), std::string::npos) << error;
  const std::string second_output = ReadFileBytes(second_log);
  EXPECT_NE(second_output.find("another mobilelink process (a server, or an analytics rebuild) uses store"),
            std::string::npos)
      << second_output;
  EXPECT_NE(second_output.find(StorePath().string() + ".lock"), std::string::npos)
      << second_output;
  EXPECT_EQ(second_output.find("outbox recovery"), std::string::npos) << second_output;
  EXPECT_EQ(store.Text("SELECT state FROM outbox"), "sending");
  fake_->SetBehaviour(tools::FakeBehaviour{});
  ASSERT_TRUE(WaitUntil([&] { return OutboxIdle(); })) << ReadFileBytes(LogPath());
  EXPECT_EQ(SendsWithText(kGreetingAnswer), 1u);
}

}  // namespace
}  // namespace mobilelink::integration
