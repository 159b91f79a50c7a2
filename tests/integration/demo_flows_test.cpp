// Every flow and knowledge-base answer of config/demo.yaml, run to its final outcome by one
// customer over SMS (signed Twilio webhooks in, the fake provider's recorded sends out) and over
// web chat (a WebSocket). Each test checks the replies in order, the stored change with its
// events and audit rows, and that every reply reached the customer exactly once.

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "flows_fixture.hpp"
#include "websocket_client.hpp"

namespace mobilelink::integration {
namespace {

namespace json = boost::json;

enum class Channel { kSms, kWebchat };

std::string ChannelName(const ::testing::TestParamInfo<Channel>& info) {
  return info.param == Channel::kSms ? "Sms" : "Webchat";
}

constexpr char kPhoneQuestion[] = "What is the mobile number on your account?";
constexpr char kAnythingElse[] = "Anything else I can help with?";
constexpr char kThanksAnswer[] = "You are welcome. Is there anything else I can help with?";
constexpr char kPasscodePrefix[] = "Your verification code is ";
constexpr char kOldAddress[] = "12 Harbor Lane, Springfield, IL 62701";
constexpr char kNewAddress[] = "77 New Street, Chicago, IL 60601";
// The addresses as audit rows store them: all but the first and the last two characters
// masked (docs/audit.md).
constexpr char kOldAddressAudit[] = "1**********************************01";
constexpr char kNewAddressAudit[] = "7*****************************01";
// The addresses as flow events carry them: all but the last four characters masked
// (docs/flows.md).
constexpr char kOldAddressEvent[] = "*********************************2701";
constexpr char kNewAddressEvent[] = "****************************0601";

// One reply as the customer receives it: its text and, on web chat, the ids of its options.
struct Reply {
  std::string text;
  std::vector<std::string> option_ids;
};

// The Flows server with Dana's last payment imported too. On web chat the customer is a visitor
// with an open WebSocket session; on SMS it is Dana's phone.
class DemoFlowChannels : public Flows, public ::testing::WithParamInterface<Channel> {
 protected:
  void SetUp() override {
    Flows::SetUp();
    if (HasFatalFailure()) {
      return;
    }
    const auto imported = Api("POST", "/api/v1/customers:import", admin_token_, R"({
      "transactions": [
        {"customer_id": "C-1001", "id": "P-7781", "kind": "payment", "status": "completed",
         "amount": "250.00", "currency": "USD", "description": "Card repayment",
         "occurred_at": "2026-11-30T09:00:00Z"}]})");
    ASSERT_EQ(imported.status, 200) << imported.body;
    if (!IsSms()) {
      ASSERT_TRUE(client_.Connect(app_->Port(), "/webchat/chat/socket", kWaitLimit).empty());
      ASSERT_TRUE(client_.SendJson({{"type", "hello"}}, kWaitLimit));
      ASSERT_TRUE(client_.ReadType("session", kWaitLimit).has_value());
    }
  }

  // Closes the socket while the server still runs, so the server stops without waiting for it.
  void TearDown() override {
    client_.Close();
    Flows::TearDown();
  }

  // The Flows config with the demo's Markdown articles, whose folder the demo names relative
  // to the repository root while tests run in the build folder.
  [[nodiscard]] std::string ConfigYaml(const std::string& fake_url) const override {
    YAML::Node config = YAML::Load(Flows::ConfigYaml(fake_url));
    config["bot"]["knowledge_base_dir"] = MOBILELINK_SOURCE_DIR "/config/knowledge";
    YAML::Emitter out;
    out << config;
    return out.c_str();
  }

  [[nodiscard]] bool IsSms() const { return GetParam() == Channel::kSms; }

  // Returns the id of the inbox that Dana writes to. Flow events name it as their channel,
  // and audit rows name the channel type instead.
  [[nodiscard]] std::string Inbox() const { return IsSms() ? "sms" : "chat"; }

  // Sends `text` as the customer. On web chat `reply_id` names the chosen option.
  void Say(const std::string& text, const std::string& reply_id = "") {
    if (IsSms()) {
      ASSERT_EQ(Sms(text).status, 200);
      return;
    }
    ASSERT_TRUE(client_.SendJson(ChatFrame(text, reply_id), kWaitLimit));
  }

  // Delivers `text` twice with the same id, as Twilio does when it retries a webhook and a web
  // chat client does when it resends a frame whose ack it missed.
  void SayTwice(const std::string& text, const std::string& reply_id = "") {
    if (IsSms()) {
      std::string message_sid = "SM9" + std::to_string(++client_messages_);
      message_sid.resize(34, '0');
      ASSERT_EQ(PostSms(message_sid, kDana, text).status, 200);
      ASSERT_EQ(PostSms(message_sid, kDana, text).status, 200);
      return;
    }
    const json::object frame = ChatFrame(text, reply_id);
    ASSERT_TRUE(client_.SendJson(frame, kWaitLimit));
    ASSERT_TRUE(client_.SendJson(frame, kWaitLimit));
  }

  // Returns a web chat message frame with a new client_id.
  json::object ChatFrame(const std::string& text, const std::string& reply_id) {
    json::object frame{{"type", "message"},
                       {"client_id", "m" + std::to_string(++client_messages_)},
                       {"text", text}};
    if (!reply_id.empty()) {
      frame["reply_id"] = reply_id;
    }
    return frame;
  }

  // Returns the next reply the customer receives, or an empty reply when none arrives in time.
  // Passcode SMS go to the same phone on SMS but are no reply of the conversation, so they are
  // skipped here and counted in ExpectEachReplyOnce.
  Reply NextReply() {
    Reply reply;
    if (IsSms()) {
      std::vector<std::string> texts;
      if (!WaitUntil([&] {
            texts = SmsRepliesToDana();
            return texts.size() > seen_.size();
          })) {
        return {};
      }
      reply.text = texts[seen_.size()];
    } else {
      const auto frame = client_.ReadType("message", kWaitLimit);
      if (!frame) {
        return {};
      }
      const auto& message = frame->at("message").as_object();
      reply.text = std::string(message.at("text").as_string());
      if (const auto* options = message.if_contains("options")) {
        for (const auto& option : options->as_array()) {
          reply.option_ids.emplace_back(option.as_object().at("id").as_string());
        }
      }
    }
    seen_.push_back(reply.text);
    return reply;
  }

  void ExpectReply(const std::string& text) { EXPECT_EQ(NextReply().text, text); }

  // Sends the text that starts a flow. On web chat the flow requests the account's number, and
  // on SMS it takes the sender's number without a question.
  void StartFlow(const std::string& text) {
    Say(text);
    if (!IsSms()) {
      ExpectReply(kPhoneQuestion);
      Say(kDana);
    }
  }

  // Expects the passcode prompt and sends the code that the SMS to Dana's phone carried.
  void PassVerification() {
    ExpectReply(kCodePrompt);
    Say(LatestCode());
  }

  // Expects a yes/no question: numbered options in the SMS text, option ids on web chat.
  void ExpectConfirmation(const std::string& question) {
    const Reply reply = NextReply();
    if (IsSms()) {
      EXPECT_EQ(reply.text, question + "\n1. Yes\n2. No");
      EXPECT_TRUE(reply.option_ids.empty());
    } else {
      EXPECT_EQ(reply.text, question);
      EXPECT_EQ(reply.option_ids, (std::vector<std::string>{"yes", "no"}));
    }
  }

  // Runs the change_address flow up to its confirmation of the new address.
  void RunAddressChangeToConfirmation() {
    StartFlow("change my address");
    PassVerification();
    ExpectReply("What is your new address? Please write it on one line.");
    Say(kNewAddress);
    ExpectConfirmation("Should I replace the address on your account with the one you just sent?");
  }

  void ConfirmYes() {
    if (IsSms()) {
      Say("1");
    } else {
      Say("Yes", "yes");
    }
  }

  // Sends thanks and expects the bot's reply to it as the very next reply, so a late copy of
  // an earlier reply would arrive first and fail. Then checks that the provider, the socket and
  // the store each carry every reply once, and that `passcodes` passcode SMS reached Dana.
  void ExpectEachReplyOnce(std::size_t passcodes) {
    Say("thank you");
    ExpectReply(kThanksAnswer);
    ASSERT_TRUE(WaitForOutboxIdle());

    std::size_t codes = 0;
    std::size_t other_sends = 0;
    for (const auto& send : fake_->Messages()) {
      if (send.to == kDana && send.text.rfind(kPasscodePrefix, 0) == 0) {
        ++codes;
      } else if (!IsSms()) {
        ++other_sends;
      }
    }
    EXPECT_EQ(codes, passcodes);
    if (IsSms()) {
      EXPECT_EQ(SmsRepliesToDana(), seen_);
    } else {
      EXPECT_EQ(other_sends, 0u) << "web chat replies must not go out by SMS";
      std::size_t message_frames = 0;
      for (const auto& frame : client_.Received()) {
        message_frames += frame.at("type") == "message" ? 1 : 0;
      }
      EXPECT_EQ(message_frames, seen_.size());
    }
    EXPECT_EQ(
        Store().Texts("SELECT text FROM messages WHERE direction = 'outbound' AND inbox_id = '" +
                      Inbox() + "' AND text NOT LIKE '" + kPasscodePrefix + "%' ORDER BY id"),
        seen_);
  }

  // Returns the texts of the successful sends to Dana that are no passcode, in the order the
  // fake provider received them.
  [[nodiscard]] std::vector<std::string> SmsRepliesToDana() const {
    auto sends = fake_->Messages();
    std::stable_sort(sends.begin(), sends.end(),
                     [](const auto& left, const auto& right) { return left.seq < right.seq; });
    std::vector<std::string> texts;
    for (const auto& send : sends) {
      if (send.to == kDana && http::IsSuccess(send.http_status) &&
          send.text.rfind(kPasscodePrefix, 0) != 0) {
        texts.push_back(send.text);
      }
    }
    return texts;
  }

  // Returns how many events of `type` have `value` at the JSON path `path` of their data.
  [[nodiscard]] std::int64_t EventsWith(const std::string& type, const std::string& path,
                                        const std::string& value) const {
    return Store().Integer("SELECT COUNT(*) FROM events WHERE type = '" + type +
                           "' AND json_extract(data_json, '" + path + "') = '" + value + "'");
  }

  [[nodiscard]] std::int64_t EventCount(const std::string& type) const {
    return Store().Integer("SELECT COUNT(*) FROM events WHERE type = '" + type + "'");
  }

  [[nodiscard]] std::string ProfileField(const std::string& column) const {
    return Store().Text("SELECT " + column +
                        " FROM customer_profiles WHERE external_id = 'C-1001'");
  }

  // Expects the flow to have started once and ended once with outcome `end`, leaving no state.
  void ExpectFlowEnded(const std::string& flow) {
    EXPECT_EQ(EventsWith("flow.started", "$.flow", flow), 1);
    EXPECT_EQ(EventCount("flow.started"), 1);
    EXPECT_EQ(EventsWith("flow.completed", "$.flow", flow), 1);
    EXPECT_EQ(EventsWith("flow.completed", "$.outcome", "end"), 1);
    EXPECT_EQ(EventCount("flow.abandoned"), 0);
    EXPECT_EQ(EventsWith("auth.verified", "$.method", "otp"), 1);
    EXPECT_EQ(FlowStates(), 0);
  }

  // Expects the profile as imported: no flow changed it and no audit row was written.
  void ExpectProfileUnchanged() {
    EXPECT_EQ(ProfileField("address"), kOldAddress);
    EXPECT_EQ(ProfileField("card_status"), "active");
    EXPECT_EQ(EventCount("customer.updated"), 0);
    EXPECT_EQ(Store().Integer("SELECT COUNT(*) FROM audit_log"), 0);
  }

  // Sends `question` and expects `answer` from the bot's rule or article `intent`, with no flow
  // started and no passcode sent.
  void ExpectBotAnswer(const std::string& question, const std::string& answer,
                       const std::string& intent) {
    Say(question);
    ExpectReply(answer);
    ExpectEachReplyOnce(0);

    EXPECT_EQ(EventsWith("bot.answered", "$.intent", intent), 1);
    EXPECT_EQ(EventCount("flow.started"), 0);
    ExpectProfileUnchanged();
  }

  WebSocketClient client_;
  std::vector<std::string> seen_;
  int client_messages_ = 0;
};

TEST_P(DemoFlowChannels, OrderStatus) {
  StartFlow("where is my order");
  PassVerification();
  ExpectReply("Your order A-5521 (Wireless earbuds) is shipped, last updated 2026-11-28.");
  ExpectReply(kAnythingElse);
  ExpectEachReplyOnce(1);

  ExpectFlowEnded("order_status");
  EXPECT_EQ(EventsWith("flow.started", "$.intent", "order_status"), 1);
  ExpectProfileUnchanged();
}

TEST_P(DemoFlowChannels, BalanceAndLastPayment) {
  StartFlow("what is my balance");
  PassVerification();
  ExpectReply(
      "Your balance is 1843.27 USD. Your last payment of 250.00 USD on 2026-11-30 is "
      "completed.");
  ExpectReply(kAnythingElse);
  ExpectEachReplyOnce(1);

  ExpectFlowEnded("balance");
  EXPECT_EQ(EventsWith("flow.step", "$.step", "balance_and_payment"), 1);
  EXPECT_EQ(EventsWith("flow.step", "$.step", "balance_only"), 0);
  ExpectProfileUnchanged();
}

TEST_P(DemoFlowChannels, ChangeOfAddress) {
  RunAddressChangeToConfirmation();
  ConfirmYes();
  ExpectReply("Done: your address is updated. We will send a note to your email address too.");
  ExpectEachReplyOnce(1);

  ExpectFlowEnded("change_address");
  EXPECT_EQ(ProfileField("address"), kNewAddress);
  EXPECT_EQ(ProfileField("card_status"), "active");
  EXPECT_EQ(EventsWith("auth.confirmed", "$.factors[0]", "otp"), 1);

  const std::string channel_type = IsSms() ? "twilio_sms" : "webchat";
  ASSERT_EQ(Store().Integer("SELECT COUNT(*) FROM audit_log"), 1);
  EXPECT_EQ(Store().Text("SELECT actor_kind FROM audit_log"), "customer");
  EXPECT_EQ(Store().Text("SELECT action FROM audit_log"), "profile.updated");
  EXPECT_EQ(Store().Text("SELECT target FROM audit_log"), "customer:C-1001:address");
  EXPECT_EQ(Store().Text("SELECT old_value FROM audit_log"), kOldAddressAudit);
  EXPECT_EQ(Store().Text("SELECT new_value FROM audit_log"), kNewAddressAudit);
  EXPECT_EQ(Store().Text("SELECT channel FROM audit_log"), channel_type);

  ASSERT_EQ(EventCount("customer.updated"), 1);
  EXPECT_EQ(EventsWith("customer.updated", "$.field", "address"), 1);
  EXPECT_EQ(EventsWith("customer.updated", "$.old_value", kOldAddressEvent), 1);
  EXPECT_EQ(EventsWith("customer.updated", "$.new_value", kNewAddressEvent), 1);
  EXPECT_EQ(EventsWith("customer.updated", "$.flow", "change_address"), 1);
  EXPECT_EQ(EventsWith("customer.updated", "$.channel", Inbox()), 1);
  // The typed address reaches the profile but no event and no audit row.
  EXPECT_EQ(Store().Integer("SELECT COUNT(*) FROM events WHERE data_json LIKE '%New Street%'"), 0);
  EXPECT_EQ(Store().Integer("SELECT COUNT(*) FROM audit_log WHERE new_value LIKE '%New Street%' OR "
                            "old_value LIKE '%New Street%'"),
            0);
}

TEST_P(DemoFlowChannels, RepeatedConfirmationAppliesOnce) {
  RunAddressChangeToConfirmation();
  if (IsSms()) {
    SayTwice("1");
  } else {
    SayTwice("Yes", "yes");
  }
  ExpectReply("Done: your address is updated. We will send a note to your email address too.");
  ExpectEachReplyOnce(1);

  ExpectFlowEnded("change_address");
  EXPECT_EQ(ProfileField("address"), kNewAddress);
  EXPECT_EQ(Store().Integer("SELECT COUNT(*) FROM audit_log"), 1);
  EXPECT_EQ(EventCount("customer.updated"), 1);
  EXPECT_EQ(EventCount("auth.confirmed"), 1);
  if (!IsSms()) {
    std::size_t duplicate_acks = 0;
    for (const auto& frame : client_.Received()) {
      const auto* duplicate = frame.if_contains("duplicate");
      if (frame.at("type") == "ack" && duplicate != nullptr && duplicate->is_bool() &&
          duplicate->as_bool()) {
        ++duplicate_acks;
      }
    }
    EXPECT_EQ(duplicate_acks, 1u);
  }
  const std::string yes = IsSms() ? "1" : "Yes";
  EXPECT_EQ(Store().Integer("SELECT COUNT(*) FROM messages WHERE direction = 'inbound' AND "
                            "text = '" +
                            yes + "'"),
            1);
}

TEST_P(DemoFlowChannels, CardFreeze) {
  StartFlow("freeze my card");
  PassVerification();
  ExpectConfirmation(
      "Freeze your card now? Payments with it stop until you unfreeze it in the app.");
  ConfirmYes();
  ExpectReply(
      "Your card is frozen. If it was stolen, an agent can order a new one: just type agent.");
  ExpectEachReplyOnce(1);

  ExpectFlowEnded("card_freeze");
  EXPECT_EQ(ProfileField("card_status"), "frozen");
  EXPECT_EQ(ProfileField("address"), kOldAddress);
  EXPECT_EQ(EventsWith("auth.confirmed", "$.factors[0]", "otp"), 1);

  const std::string channel_type = IsSms() ? "twilio_sms" : "webchat";
  ASSERT_EQ(Store().Integer("SELECT COUNT(*) FROM audit_log"), 1);
  EXPECT_EQ(Store().Text("SELECT actor_kind FROM audit_log"), "customer");
  EXPECT_EQ(Store().Text("SELECT action FROM audit_log"), "card.frozen");
  EXPECT_EQ(Store().Text("SELECT target FROM audit_log"), "customer:C-1001:card_status");
  // Six characters or fewer are masked completely.
  EXPECT_EQ(Store().Text("SELECT old_value FROM audit_log"), "******");
  EXPECT_EQ(Store().Text("SELECT new_value FROM audit_log"), "******");
  EXPECT_EQ(Store().Text("SELECT channel FROM audit_log"), channel_type);

  ASSERT_EQ(EventCount("customer.updated"), 1);
  EXPECT_EQ(EventsWith("customer.updated", "$.field", "card_status"), 1);
  EXPECT_EQ(EventsWith("customer.updated", "$.old_value", "******"), 1);
  EXPECT_EQ(EventsWith("customer.updated", "$.new_value", "******"), 1);
  EXPECT_EQ(EventsWith("customer.updated", "$.flow", "card_freeze"), 1);
  EXPECT_EQ(EventsWith("customer.updated", "$.channel", Inbox()), 1);
}

TEST_P(DemoFlowChannels, RefundRequestSendsSecureLink) {
  StartFlow("I want a refund");
  PassVerification();
  ExpectConfirmation("Request a refund of 89.90 USD for order A-5521 (Wireless earbuds)?");
  ConfirmYes();
  ExpectReply(std::string("Refund R-77 is open. Confirm where the money goes on this secure "
                          "page: ") +
              kRefundLink + " We never ask for card numbers in messages.");
  ExpectEachReplyOnce(1);

  ExpectFlowEnded("refund_request");
  EXPECT_EQ(EventsWith("flow.step", "$.outcome", "succeeded"), 1);
  ExpectProfileUnchanged();

  // One call, carrying the order and no card data.
  ASSERT_EQ(refunds_.Bodies().size(), 1u);
  const auto body = ParseJson(refunds_.Bodies()[0]);
  ASSERT_TRUE(body.is_object()) << refunds_.Bodies()[0];
  const json::object expected{
      {"customer_id", "C-1001"}, {"order_id", "A-5521"}, {"amount", "89.90"}, {"currency", "USD"}};
  EXPECT_EQ(body.as_object(), expected);
}

TEST_P(DemoFlowChannels, OpeningHoursAnswer) {
  ExpectBotAnswer("when are you open",
                  "We are open Monday to Friday 8:00-20:00 and Saturday 9:00-14:00 Eastern time. "
                  "This chat is answered around the clock.",
                  "opening_hours");
}

TEST_P(DemoFlowChannels, KnowledgeBaseAnswer) {
  ExpectBotAnswer("do I need a travel notice for my trip abroad",
                  "No travel notice is needed: your card works abroad. Keep the app's "
                  "notifications on so we can reach you if we see unusual activity.",
                  "kb:Travel notice");
}

INSTANTIATE_TEST_SUITE_P(ByChannel, DemoFlowChannels,
                         ::testing::Values(Channel::kSms, Channel::kWebchat), ChannelName);

}  // namespace
}  // namespace mobilelink::integration
