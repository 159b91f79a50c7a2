#pragma once

// The flows fixture: the real server with the demo config's bot and flows, one imported demo
// customer (Dana Rivera, C-1001, one shipped order) and a local refunds service that the
// refund flow's call step reaches on 127.0.0.1.

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "mobilelink/http/server.hpp"
#include "server_fixture.hpp"

namespace mobilelink::integration {

constexpr char kDana[] = "+12025550123";
constexpr char kRefundLink[] = "https://pay.example.com/r/77";
constexpr char kCodePrompt[] =
    "I sent a 6-digit code by SMS to the phone number on your account. Please send it here.";

// Makes the demo's order status flow confirm with a signed link sent by SMS over the `sms` inbox
// instead of a passcode. `link_message` must contain {{link}}.
inline void UseSmsLinkForOrderStatus(YAML::Node& config, const std::string& link_message) {
  for (auto flow : config["flows"]) {
    if (flow["name"].as<std::string>() != "order_status") {
      continue;
    }
    for (auto step : flow["steps"]) {
      if (step["authenticate"]) {
        step["authenticate"] = "link";
        step.remove("code_message");
        step.remove("reprompt");
        step["link_message"] = link_message;
        step["sms_inbox"] = "sms";
      }
    }
  }
}

// A payment provider's refunds API on 127.0.0.1: POST /refunds responds with an id and a hosted
// payment page URL. While held, requests wait unanswered until Hold(false).
class FakeRefunds final {
 public:
  FakeRefunds() {
    auto router = std::make_shared<http::Router>();
    router->Add("POST", "/refunds", [this](http::HttpRequest&& request, http::Responder respond) {
      std::unique_lock lock(mutex_);
      keys_.push_back(request.headers.Get("Idempotency-Key").value_or(""));
      bodies_.push_back(request.body);
      if (hold_) {
        held_.push_back(std::move(respond));
        return;
      }
      lock.unlock();
      respond(Answer());
    });
    server_ = std::make_unique<http::Server>(http::ServerOptions{}, router);
    server_->Start();
  }
  ~FakeRefunds() {
    Hold(false);
    server_->Stop(std::chrono::milliseconds(500));
  }

  void Hold(bool hold) {
    std::vector<http::Responder> held;
    {
      std::lock_guard lock(mutex_);
      hold_ = hold;
      held.swap(held_);
    }
    for (auto& respond : held) {
      respond(Answer());
    }
  }

  [[nodiscard]] std::string Url() const {
    return "http://127.0.0.1:" + std::to_string(server_->Port()) + "/refunds";
  }
  [[nodiscard]] std::vector<std::string> Keys() {
    std::lock_guard lock(mutex_);
    return keys_;
  }
  [[nodiscard]] std::vector<std::string> Bodies() {
    std::lock_guard lock(mutex_);
    return bodies_;
  }

 private:
  static http::HttpResponse Answer() {
    return http::HttpResponse::Json(
        201, std::string(R"({"id":"R-77","payment_page_url":")") + kRefundLink + "\"}");
  }

  std::mutex mutex_;
  bool hold_ = false;
  std::vector<std::string> keys_;
  std::vector<std::string> bodies_;
  std::vector<http::Responder> held_;
  std::unique_ptr<http::Server> server_;
};

// The server with the demo's bot and flows, Dana's profile and order imported through the
// customer API, and the refund call pointed at FakeRefunds.
class Flows : public ServerFixture {
 protected:
  void SetUp() override {
    ServerFixture::SetUp();
    admin_token_ = Login("dora", kSupervisorPassword);
    const auto imported = Api("POST", "/api/v1/customers:import", admin_token_, R"({
      "customers": [
        {"customer_id": "C-1001", "phone": "+12025550123", "name": "Dana Rivera",
         "address": "12 Harbor Lane, Springfield, IL 62701", "balance": "1843.27",
         "currency": "USD", "card_status": "active"}],
      "transactions": [
        {"customer_id": "C-1001", "id": "A-5521", "kind": "order", "status": "shipped",
         "amount": "89.90", "currency": "USD", "description": "Wireless earbuds",
         "occurred_at": "2026-11-28T10:15:00Z"}]})");
    ASSERT_EQ(imported.status, 200) << imported.body;
  }

  // The fixture's config with the demo's bot, flows and an admin, and the refund call pointed
  // at the local refunds service.
  [[nodiscard]] std::string ConfigYaml(const std::string& fake_url) const override {
    YAML::Node config = YAML::Load(ServerFixture::ConfigYaml(fake_url));
    const YAML::Node demo = YAML::LoadFile(MOBILELINK_SOURCE_DIR "/config/demo.yaml");
    config["bot"] = demo["bot"];
    // The demo names its Markdown folder relative to the repository root, and these tests need
    // no folder articles. The intent model goes to this test's own directory.
    config["bot"].remove("knowledge_base_dir");
    config["bot"]["intent_model"] = (StorePath().parent_path() / "bot.intent-model").string();
    config["bot"]["out_of_scope_examples"] =
        MOBILELINK_SOURCE_DIR "/" + demo["bot"]["out_of_scope_examples"].as<std::string>();
    config["flows"] = demo["flows"];
    for (auto flow : config["flows"]) {
      for (auto step : flow["steps"]) {
        if (step["call"]) {
          step["call"]["url"] = refunds_.Url();
          step["call"]["timeout_ms"] = 1000;
        }
      }
    }
    YAML::Node admin;
    admin["login"] = "dora";
    admin["name"] = "Dora Admin";
    admin["role"] = "admin";
    admin["password_hash"] = TestAgentHashes().supervisor;
    config["agents"].push_back(admin);
    EditConfig(config);
    YAML::Emitter out;
    out << config;
    return out.c_str();
  }

  // Changes the config after the demo's sections are in place. A test suite that needs another
  // step or key overrides this.
  virtual void EditConfig(YAML::Node& /*config*/) const {}

  // Waits until an outbound message with exactly `text` is stored, and returns whether it was.
  bool WaitForReply(const std::string& text) {
    return WaitUntil([&] {
      for (const auto& sent : Store().Texts("SELECT text FROM messages WHERE direction = 'outbound'")) {
        if (sent == text) {
          return true;
        }
      }
      return false;
    });
  }

  http::ClientResponse Sms(const std::string& text, const std::string& from = kDana) {
    return PostSms("SM" + std::to_string(++sms_counter_) + "00000000000000000000000000000", from,
                   text);
  }

  // Returns the digits of the newest passcode SMS the fake provider received, after waiting for
  // it. The stored copy of that SMS has the code masked.
  std::string LatestCode(std::size_t previous_codes = 0) const {
    std::string text;
    EXPECT_TRUE(WaitUntil([&] {
      std::size_t codes = 0;
      for (const auto& send : fake_->Messages()) {
        if (send.text.rfind("Your verification code is ", 0) == 0) {
          ++codes;
          text = send.text;
        }
      }
      return codes > previous_codes;
    }));
    EXPECT_EQ(Store().Integer("SELECT COUNT(*) FROM messages WHERE text LIKE "
                              "'Your verification code is ******.%'"),
              static_cast<std::int64_t>(previous_codes + 1));
    const auto start = text.find_first_of("0123456789");
    if (start == std::string::npos) {
      return {};
    }
    return text.substr(start, 6);
  }

  std::int64_t FlowStates() const { return Store().Integer("SELECT COUNT(*) FROM flow_states"); }

  mutable FakeRefunds refunds_;
  std::string admin_token_;
  int sms_counter_ = 0;
};

}  // namespace mobilelink::integration
