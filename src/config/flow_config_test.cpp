#include "mobilelink/config/flow_config.hpp"

#include <string>

#include <gtest/gtest.h>

#include "mobilelink/config/config.hpp"
#include "mobilelink/config/testing/config_error.hpp"
#include "mobilelink/config/testing/demo_config.hpp"

namespace mobilelink::config {
namespace {

const std::string kBase = MinimalConfig(kSmsInbox, R"(  rules:
    - name: order_status
      phrases: ["my order"]
)");

std::string WithFlow(const std::string& steps) {
  return kBase + "flows:\n  - name: orders\n    intents: [order_status]\n    steps:\n" + steps;
}

TEST(FlowConfig, DemoFlowsLoad) {
  const Config config = LoadDemoConfig();
  ASSERT_EQ(config.flows.flows.size(), 5u);
  EXPECT_EQ(config.flows.flows[0].name, "order_status");
  // The demo's messages fit two SMS segments, so loading it warns about none.
  EXPECT_TRUE(bot::FindLongMessages(config.flows).empty());
}

TEST(FlowConfig, ParsesStepsAndDefaults) {
  const Config config = ParseConfig(WithFlow(R"(      - ask: "Which order?"
        save_as: order_id
        validate: regex
        pattern: "A-[0-9]+"
      - id: pick
        ask: "Pick one"
        save_as: choice
        validate: choice
        options: [Track, {id: cancel, title: Cancel it}]
      - branch:
          - value: choice
            equals: cancel
            goto: bye
        otherwise: bye
      - id: bye
        end: "Bye"
)"),
                                    "test.yaml");
  const auto& steps = config.flows.flows[0].steps;
  ASSERT_EQ(steps.size(), 4u);
  EXPECT_EQ(steps[0].id, "step_1");
  EXPECT_EQ(steps[0].validation, bot::Validation::kRegex);
  EXPECT_EQ(steps[0].max_retries, 2);
  ASSERT_EQ(steps[1].options.size(), 2u);
  EXPECT_EQ(steps[1].options[0].id, "Track");
  EXPECT_EQ(steps[1].options[1].id, "cancel");
  EXPECT_EQ(steps[2].kind, bot::StepKind::kBranch);
  EXPECT_EQ(steps[2].cases[0].next, "bye");
}

TEST(FlowConfig, RejectsBadSteps) {
  struct Case {
    std::string steps;
    std::string expected;
  };
  const std::vector<Case> cases{
      {"      - ask: \"Q\"\n        answer: \"A\"\n", "has both"},
      {"      - ask: \"Q\"\n", "flows[0].steps[0].save_as: missing required key"},
      {"      - ask: \"Q\"\n        save_as: x\n        colour: red\n", "colour"},
      {"      - answer: \"A\"\n        next: nowhere\n",
       "flows[0].steps[0].next: names step 'nowhere'"},
      {"      - ask: \"Q\"\n        save_as: x\n        validate: regex\n        pattern: \"(\"\n",
       "flows[0].steps[0].pattern: is not a valid regular expression"},
      {"      - ask: \"Q\"\n        save_as: x\n        validate: choice\n",
       "needs at least one option"},
      {"      - ask: \"Q\"\n        save_as: x\n        validate: colour\n", "validate: 'colour'"},
      {"      - lookup: crm\n        key: \"{{contact.phone}}\"\n",
       "crm lookups need a crm section"},
      {"      - lookup: transactions\n        kind: gift\n", "kind: 'gift' is not one of"},
      {"      - update: password\n        value: x\n", "update: 'password' is not one of"},
      {"      - call:\n          url: ftp://x\n",
       "call.url: 'ftp://x' must start with http:// or https://"},
      {"      - id: a\n        end: \"\"\n      - id: a\n        end: \"\"\n",
       "steps[1].id: 'a' is already the id"},
      {"      - branch: []\n", "needs at least one case"},
      {"      - authenticate: fingerprint\n",
       "authenticate: 'fingerprint' is not one of: app, link, otp"},
      {"      - authenticate: otp\n        code_message: \"hi\"\n", "must contain {{code}}"},
      {"      - authenticate: otp\n        sms_inbox: nowhere\n",
       "sms_inbox: inbox 'nowhere' is not configured under inboxes"},
  };
  for (const auto& test : cases) {
    const std::string error = ErrorOf(WithFlow(test.steps));
    EXPECT_NE(error.find(test.expected), std::string::npos)
        << "steps:\n" << test.steps << "error: " << error;
  }
}

TEST(FlowConfig, IntentMustNameRule) {
  const std::string text =
      kBase + "flows:\n  - name: x\n    intents: [nothing]\n    steps:\n      - end: \"\"\n";
  EXPECT_NE(ErrorOf(text).find("flows[0].intents: intent 'nothing' is not the name of a rule"),
            std::string::npos);
}

TEST(FlowConfig, RuleWithoutAnswerNeedsFlow) {
  EXPECT_NE(ErrorOf(kBase).find("bot.rules[0].answer: missing required key"), std::string::npos);
}

TEST(FlowConfig, FindsMessagesPastTwoSegments) {
  const std::string long_text(300, 'a');
  const Config config = ParseConfig(
      WithFlow("      - id: short\n        answer: \"Hi\"\n      - id: long\n        ask: \"" +
               long_text + "\"\n        save_as: x\n        validate: choice\n"
               "        options: [One, Two]\n"),
      "test.yaml");
  const auto found = bot::FindLongMessages(config.flows);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].flow, "orders");
  EXPECT_EQ(found[0].step, "long");
  // 300 characters plus the numbered options pass 306, the size of two GSM-7 segments.
  EXPECT_EQ(found[0].segments, 3u);
}

TEST(CrmConfig, ParsesAndChecks) {
  const std::string crm = R"(crm:
  base_url: http://127.0.0.1:9100/
  profile_path: /customers/{phone}
  profile_fields: {customer_id: /id, name: /fullName}
)";
  const Config config = ParseConfig(kBase + crm + R"(flows:
  - name: x
    intents: [order_status]
    steps:
      - lookup: crm
        key: "{{contact.phone}}"
)",
                                    "test.yaml");
  EXPECT_EQ(config.crm.base_url, "http://127.0.0.1:9100");
  EXPECT_EQ(config.crm.timeout, std::chrono::milliseconds(3000));
  EXPECT_EQ(config.crm.profile_fields.at("name"), "/fullName");
  EXPECT_NE(ErrorOf(kBase + "crm:\n  base_url: http://x\n  profile_path: /c\n  profile_fields: "
                            "{customer_id: /id}\n")
                .find("crm.profile_path: must contain {phone} or {customer_id}"),
            std::string::npos);
  EXPECT_NE(ErrorOf(kBase + "crm:\n  base_url: http://x\n  profile_path: /c/{phone}\n  "
                            "profile_fields: {customer_id: id}\n")
                .find("crm.profile_fields.customer_id: 'id' is not a JSON pointer"),
            std::string::npos);
}

}  // namespace
}  // namespace mobilelink::config
