// Config values that parse but cannot work, such as URLs that the HTTP client cannot send to or
// templates with names that nothing fills. Each is rejected with its key path and the reason.

#include "mobilelink/config/value_checks.hpp"

#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>
#include <vector>

#include <gtest/gtest.h>

#include "mobilelink/common/testing/temp_dir.hpp"
#include "mobilelink/config/config.hpp"
#include "mobilelink/config/testing/config_error.hpp"

namespace mobilelink::config {
namespace {

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// A rule `order_status` whose flow `orders` has `steps` (indented list items).
std::string WithFlow(const std::string& steps, const std::string& inboxes = kSmsInbox) {
  return MinimalConfig(inboxes,
                       "  rules:\n    - name: order_status\n      phrases: [\"my order\"]\n") +
         "flows:\n  - name: orders\n    intents: [order_status]\n    steps:\n" + steps;
}

// The path of a URL key, and a function that returns a config with `url` in that key.
struct UrlKey {
  std::string path;
  std::string (*config)(const std::string& url);
};

const std::vector<UrlKey> kUrlKeys{
    {"server.public_url",
     [](const std::string& url) {
       return MinimalConfig(kSmsInbox) + "server:\n  public_url: \"" + url + "\"\n";
     }},
    {"inboxes[0].api_base_url",
     [](const std::string& url) {
       return MinimalConfig(kSmsInbox + "    api_base_url: \"" + url + "\"\n");
     }},
    {"inboxes[0].public_url",
     [](const std::string& url) {
       return MinimalConfig(kSmsInbox + "    public_url: \"" + url + "\"\n");
     }},
    {"inboxes[1].api_base_url",
     [](const std::string& url) {
       return MinimalConfig(kSmsInbox + kWhatsAppInbox + "    api_base_url: \"" + url + "\"\n");
     }},
    {"crm.base_url",
     [](const std::string& url) {
       return MinimalConfig(kSmsInbox) + "crm:\n  base_url: \"" + url +
              "\"\n  profile_path: /customers/{phone}\n  profile_fields: {customer_id: /id}\n";
     }},
    {"analytics.alerts.webhook_url",
     [](const std::string& url) {
       return MinimalConfig(kSmsInbox) + "analytics:\n  alerts:\n    webhook_url: \"" + url +
              "\"\n    webhook_secret: test_secret\n";
     }},
    {"flows[0].steps[0].call.url",
     [](const std::string& url) {
       return WithFlow("      - call:\n          url: \"" + url + "\"\n");
     }},
};

TEST(UrlKeys, AcceptValidHttpUrls) {
  for (const auto& key : kUrlKeys) {
    for (const std::string url : {"http://127.0.0.1:9100", "https://api.example.com/v1"}) {
      EXPECT_EQ(ErrorOf(key.config(url)), "no error") << key.path << " = " << url;
    }
  }
}

TEST(UrlKeys, RejectUnusableUrls) {
  const std::vector<std::pair<std::string, std::string>> cases{
      {"ftp://files.example.com/in", "must start with http:// or https://"},
      {"file:///etc/passwd", "must start with http:// or https://"},
      {"api.example.com", "must start with http:// or https://"},
      {"HTTPS://api.example.com", "must start with http:// or https://"},
      {"https://", "has no host"},
      {"http://:8080/x", "has no host"},
      {"https://api example.com", "is not a valid URL"},
      {"https://user:secret@api.example.com", "contains a user name or password"},
      {"https://api.example.com:99999", "has an invalid port"},
      {"https://api.example.com:0", "has an invalid port"},
      {"https://api.example.com/#top", "has a fragment"},
  };
  for (const auto& key : kUrlKeys) {
    for (const auto& [url, reason] : cases) {
      const std::string error = ErrorOf(key.config(url));
      EXPECT_TRUE(Contains(error, key.path + ": '" + url + "' " + reason)) << error;
    }
  }
}

TEST(UrlKeys, BaseUrlsRejectQuery) {
  for (const auto& key : kUrlKeys) {
    const std::string error = ErrorOf(key.config("https://api.example.com/v1?key=1"));
    const bool full_url =
        key.path == "analytics.alerts.webhook_url" || key.path == "flows[0].steps[0].call.url";
    if (full_url) {
      EXPECT_EQ(error, "no error") << key.path;
    } else {
      EXPECT_TRUE(Contains(error, key.path + ": 'https://api.example.com/v1?key=1' has a query"))
          << error;
    }
  }
}

TEST(UrlKeys, CallUrlQuotesItsTemplate) {
  const std::string error = ErrorOf(
      WithFlow("      - ask: \"Order?\"\n        save_as: order\n"
               "      - call:\n          url: \"https://shop.example.com/orders/{{order}}#x\"\n"));
  EXPECT_TRUE(Contains(error,
                       "flows[0].steps[1].call.url: "
                       "'https://shop.example.com/orders/{{order}}#x' has a fragment"))
      << error;
}

TEST(FlowTemplates, UnknownNameListsAllowedNames) {
  const std::string error =
      ErrorOf(WithFlow("      - ask: \"Your name?\"\n        save_as: name\n"
                       "      - answer: \"Thanks, {{nmae}}.\"\n"));
  EXPECT_TRUE(Contains(error,
                       "flows[0].steps[1].answer: unknown placeholder {{nmae}}; this "
                       "template can use: contact.phone, name"))
      << error;
}

TEST(FlowTemplates, KnownNamesLoad) {
  const std::string text = WithFlow(
      "      - ask: \"Your name?\"\n        save_as: name\n        prefill: contact.phone\n"
      "        reprompt: \"Please write your name, {{ name | mask }}.\"\n"
      "      - lookup: customer\n        key: \"{{contact.phone}}\"\n"
      "      - lookup: transactions\n        kind: order\n        save_as: last\n"
      "      - call:\n          url: \"https://shop.example.com/o/{{last.id}}\"\n"
      "          response: {ticket: /id}\n"
      "      - branch:\n          - value: ticket\n            exists: true\n"
      "            goto: done\n"
      "      - id: done\n        end: \"{{name}}: order {{last.id}} {{last.status}}, ticket "
      "{{ticket}}, {{customer.name}}.\"\n");
  EXPECT_EQ(ErrorOf(text), "no error");
}

TEST(FlowTemplates, RejectsBadPlaceholders) {
  struct Case {
    std::string steps;
    std::string expected;
  };
  const std::vector<Case> cases{
      {"      - answer: \"Order {{order.id\"\n",
       "flows[0].steps[0].answer: '{{' at character 7 is not closed; write {{name}}"},
      {"      - answer: \"Order {{ }}\"\n",
       "flows[0].steps[0].answer: placeholder {{ }} has no name"},
      {"      - ask: \"Q\"\n        save_as: x\n      - answer: \"{{x|upper}}\"\n",
       "flows[0].steps[1].answer: unknown filter 'upper' in {{x}}; expected one of: mask"},
      {"      - answer: \"Your code is {{code}}\"\n",
       "flows[0].steps[0].answer: unknown placeholder {{code}}"},
      {"      - authenticate: otp\n        code_message: \"{{code}} {{link}}\"\n",
       "flows[0].steps[0].code_message: unknown placeholder {{link}}"},
      {"      - authenticate: link\n        link_message: \"{{link}} for {{who}}\"\n",
       "flows[0].steps[0].link_message: unknown placeholder {{who}}"},
      {"      - lookup: customer\n        key: \"{{contact.phone}}\"\n"
       "      - lookup: transactions\n        kind: order\n      - answer: \"{{payment.id}}\"\n",
       "flows[0].steps[2].answer: unknown placeholder {{payment.id}}"},
      {"      - lookup: customer\n        key: \"{{phone}}\"\n",
       "flows[0].steps[0].key: unknown placeholder {{phone}}"},
      {"      - lookup: customer\n        key: \"{{contact.phone}}\"\n"
       "      - update: email\n        value: \"{{new_email}}\"\n",
       "flows[0].steps[1].value: unknown placeholder {{new_email}}"},
      {"      - call:\n          url: http://127.0.0.1:9/r\n          body: '{\"a\": \"{{b}}\"}'\n",
       "flows[0].steps[0].call.body: unknown placeholder {{b}}"},
      {"      - ask: \"Q\"\n        save_as: x\n        reprompt: \"{{y}}\"\n",
       "flows[0].steps[0].reprompt: unknown placeholder {{y}}"},
      {"      - confirm: \"Go?\"\n        code_prompt: \"{{y}}\"\n",
       "flows[0].steps[0].code_prompt: unknown placeholder {{y}}"},
      {"      - handoff: \"Bye {{y}}\"\n", "flows[0].steps[0].handoff: unknown placeholder {{y}}"},
      {"      - authenticate: app\n        prompt: \"{{y}}\"\n",
       "flows[0].steps[0].prompt: unknown placeholder {{y}}"},
  };
  for (const auto& test : cases) {
    const std::string error = ErrorOf(WithFlow(test.steps));
    EXPECT_TRUE(Contains(error, test.expected)) << "steps:\n" << test.steps << "error: " << error;
  }
}

TEST(FlowTemplates, NamesInPrefillAndBranchMustBeSaved) {
  const std::string prefill =
      ErrorOf(WithFlow("      - ask: \"Q\"\n        save_as: x\n        prefill: contact.email\n"));
  EXPECT_TRUE(Contains(prefill,
                       "flows[0].steps[0].prefill: 'contact.email' is not a value that "
                       "this flow saves; expected one of: contact.phone, x"))
      << prefill;
  const std::string branch = ErrorOf(WithFlow(
      "      - branch:\n          - value: colour\n            exists: true\n            goto: e\n"
      "      - id: e\n        end: \"\"\n"));
  EXPECT_TRUE(Contains(branch, "flows[0].steps[0].branch[0].value: 'colour' is not a value"))
      << branch;
}

TEST(FlowTemplates, CustomerStepsNeedCustomerLookup) {
  for (const std::string step : {"      - lookup: transactions\n        kind: order\n",
                                 "      - update: email\n        value: a@example.com\n"}) {
    const std::string error = ErrorOf(WithFlow(step));
    EXPECT_TRUE(Contains(error,
                         "flows[0].steps[0]: reads the customer that a customer or crm "
                         "lookup finds, but flow orders has no such lookup"))
        << error;
    EXPECT_EQ(
        ErrorOf(WithFlow("      - lookup: customer\n        key: \"{{contact.phone}}\"\n" + step)),
        "no error");
  }
}

TEST(FlowTemplates, CallHeadersTakeNoPlaceholders) {
  const std::string error =
      ErrorOf(WithFlow("      - call:\n          url: http://127.0.0.1:9/r\n"
                       "          headers: {Authorization: \"Bearer {{token}}\"}\n"));
  EXPECT_TRUE(Contains(error,
                       "flows[0].steps[0].call.headers.Authorization: headers are sent as "
                       "written"))
      << error;
}

TEST(InboxChannels, SmsInboxMustBeTwilioSms) {
  for (const std::string key : {"authenticate: otp", "confirm: \"Go?\""}) {
    const std::string error = ErrorOf(
        WithFlow("      - " + key + "\n        sms_inbox: wa\n", kSmsInbox + kWhatsAppInbox));
    EXPECT_TRUE(Contains(error,
                         "flows[0].steps[0].sms_inbox: inbox 'wa' is a whatsapp inbox, but "
                         "this step sends its message by SMS; name a twilio_sms inbox"))
        << error;
    const std::string chat = ErrorOf(WithFlow("      - " + key + "\n        sms_inbox: chat\n",
                                              kSmsInbox + WebchatInbox("chat")));
    EXPECT_TRUE(Contains(chat, "inbox 'chat' is a webchat inbox")) << chat;
    EXPECT_EQ(ErrorOf(WithFlow("      - " + key + "\n        sms_inbox: sms\n")), "no error");
  }
}

TEST(InboxChannels, WhatsAppNumberHasOneInbox) {
  std::string second = kWhatsAppInbox;
  second.replace(second.find("id: wa"), 6, "id: wa2");
  const std::string error = ErrorOf(MinimalConfig(kSmsInbox + kWhatsAppInbox + second));
  EXPECT_TRUE(Contains(error,
                       "inboxes[2].phone_number_id: phone_number_id '1234567890' is already the "
                       "number of inbox 'wa'; give each WhatsApp number one inbox"))
      << error;
  std::string other_number = second;
  other_number.replace(other_number.find("1234567890"), 10, "1234567891");
  EXPECT_EQ(ErrorOf(MinimalConfig(kSmsInbox + kWhatsAppInbox + other_number)), "no error");
  for (const std::string bad : {"\" 1234567890\"", "\"+1234567890\"", "\"01234567890\"",
                                "1.23456789e9"}) {
    std::string inbox = kWhatsAppInbox;
    inbox.replace(inbox.find("\"1234567890\""), 12, bad);
    const std::string format = ErrorOf(MinimalConfig(kSmsInbox + inbox));
    EXPECT_TRUE(Contains(format, "inboxes[1].phone_number_id: phone_number_id must be the digits"))
        << bad << ": " << format;
  }
}

TEST(InboxChannels, AppTokenInboxMustBeWebchat) {
  const std::string auth =
      "auth:\n  app_token:\n    key: test_app_token_key_0123456789abcdef\n    inboxes: [chat, ";
  const std::string inboxes = kSmsInbox + WebchatInbox("chat");
  const std::string error = ErrorOf(MinimalConfig(inboxes) + auth + "sms]\n");
  EXPECT_TRUE(Contains(error,
                       "auth.app_token.inboxes[1]: inbox 'sms' is a twilio_sms inbox, but "
                       "app tokens arrive with a web chat session token; name a webchat "
                       "inbox"))
      << error;
  const std::string missing = ErrorOf(MinimalConfig(inboxes) + auth + "app]\n");
  EXPECT_TRUE(Contains(missing,
                       "auth.app_token.inboxes[1]: inbox 'app' is not configured under "
                       "inboxes"))
      << missing;
}

TEST(KnowledgeBaseDir, MissingDirectoryRejected) {
  const mobilelink::testing::TempDir dir;
  const std::string missing = (dir.Path() / "articles").string();
  const std::string error =
      ErrorOf(MinimalConfig(kSmsInbox, "  knowledge_base_dir: \"" + missing + "\"\n"));
  EXPECT_TRUE(Contains(
      error, "bot.knowledge_base_dir: directory '" + missing + "' does not exist; create it"))
      << error;
}

TEST(KnowledgeBaseDir, RelativePathNamesWorkingDirectory) {
  const std::string error =
      ErrorOf(MinimalConfig(kSmsInbox, "  knowledge_base_dir: no/such/articles\n"));
  EXPECT_TRUE(Contains(error,
                       "bot.knowledge_base_dir: directory 'no/such/articles' (relative to "
                       "the working directory " +
                           std::filesystem::current_path().string() + ") does not exist"))
      << error;
}

TEST(KnowledgeBaseDir, FileRejected) {
  const mobilelink::testing::TempDir dir;
  const std::string file = (dir.Path() / "faq.md").string();
  std::ofstream(file) << "# FAQ\n";
  const std::string error =
      ErrorOf(MinimalConfig(kSmsInbox, "  knowledge_base_dir: \"" + file + "\"\n"));
  EXPECT_TRUE(Contains(error, "bot.knowledge_base_dir: '" + file + "' is not a directory"))
      << error;
}

TEST(KnowledgeBaseDir, UnreadableDirectoryRejected) {
  if (::geteuid() == 0) {
    GTEST_SKIP() << "root can list a directory without read permission";
  }
  const mobilelink::testing::TempDir dir;
  const std::filesystem::path locked = dir.Path() / "locked";
  std::filesystem::create_directory(locked);
  std::filesystem::permissions(locked, std::filesystem::perms::none);
  const std::string error =
      ErrorOf(MinimalConfig(kSmsInbox, "  knowledge_base_dir: \"" + locked.string() + "\"\n"));
  std::filesystem::permissions(locked, std::filesystem::perms::owner_all);
  EXPECT_TRUE(Contains(error, "bot.knowledge_base_dir: cannot read directory")) << error;
}

TEST(KnowledgeBaseDir, EmptyDirectoryAccepted) {
  const mobilelink::testing::TempDir dir;
  const Config config = ParseConfig(
      MinimalConfig(kSmsInbox, "  knowledge_base_dir: \"" + dir.Path().string() + "\"\n"),
      "test.yaml");
  EXPECT_EQ(config.bot.knowledge_base_dir, dir.Path().string());
}

TEST(CrmPaths, RejectUnknownPlaceholderAndMissingSlash) {
  const auto crm = [](const std::string& profile, const std::string& transactions) {
    return ErrorOf(MinimalConfig(kSmsInbox) +
                   "crm:\n  base_url: http://127.0.0.1:9\n  profile_path: \"" + profile +
                   "\"\n  transactions_path: \"" + transactions +
                   "\"\n  profile_fields: {customer_id: /id}\n"
                   "  transaction_fields: {id: /id, kind: /kind, status: /s, occurred_at: /at}\n");
  };
  EXPECT_EQ(crm("/c/{phone}", "/c/{customer_id}/tx"), "no error");
  const std::string slash = crm("c/{phone}", "/t");
  EXPECT_TRUE(Contains(slash, "crm.profile_path: 'c/{phone}' must start with '/'")) << slash;
  const std::string profile = crm("/c/{phone}/{name}", "/t");
  EXPECT_TRUE(Contains(profile,
                       "crm.profile_path: unknown placeholder {name}; this template can "
                       "use: customer_id, phone"))
      << profile;
  const std::string transactions = crm("/c/{phone}", "/t/{id");
  EXPECT_TRUE(Contains(transactions, "crm.transactions_path: '{' at character 4 is not closed"))
      << transactions;
}

TEST(RoutingNotices, RejectUnknownPlaceholder) {
  const std::string base = MinimalConfig(kSmsInbox) + "routing:\n  notices:\n    manual: ";
  EXPECT_EQ(ErrorOf(base + "\"{team} answers in {wait}.\"\n"), "no error");
  const std::string error = ErrorOf(base + "\"{agent} answers soon.\"\n");
  EXPECT_TRUE(Contains(error,
                       "routing.notices.manual: unknown placeholder {agent}; this template "
                       "can use: team, wait"))
      << error;
}

TEST(AnalyticsPrices, RejectUnknownChannel) {
  const std::string error = ErrorOf(MinimalConfig(kSmsInbox) +
                                    "analytics:\n  prices:\n    sms: {outbound_segment: 0.01}\n");
  EXPECT_TRUE(Contains(error,
                       "analytics.prices.sms: unknown channel 'sms'; expected one of: "
                       "twilio_sms, webchat, whatsapp"))
      << error;
}

TEST(TrustedProxies, RejectNonAddresses) {
  const auto proxies = [](const std::string& list) {
    return ErrorOf(MinimalConfig(kSmsInbox) + "server:\n  trusted_proxies: [" + list + "]\n");
  };
  EXPECT_EQ(proxies("10.0.0.5, \"::1\""), "no error");
  const std::string range = proxies("10.0.0.5, 10.0.0.0/8");
  EXPECT_TRUE(Contains(range, "server.trusted_proxies[1]: '10.0.0.0/8' is not an IP address"))
      << range;
  const std::string name = proxies("proxy.internal");
  EXPECT_TRUE(Contains(name, "server.trusted_proxies[0]: 'proxy.internal' is not an IP address"))
      << name;
  const std::string mapped = proxies("\"::ffff:127.0.0.1\"");
  EXPECT_TRUE(Contains(mapped, "server.trusted_proxies[0]: write '::ffff:127.0.0.1' as 127.0.0.1"))
      << mapped;
  const std::string zone = proxies("\"fe80::1%lo\"");
  EXPECT_TRUE(Contains(zone, "server.trusted_proxies[0]: 'fe80::1%lo' has a zone index")) << zone;
  const std::string long_form = proxies("\"0:0:0:0:0:0:0:1\"");
  EXPECT_TRUE(Contains(long_form, "server.trusted_proxies[0]: write '0:0:0:0:0:0:0:1' as ::1"))
      << long_form;
}

TEST(EmbedOrigins, RejectMissingHostAndBadPort) {
  const auto origin = [](const std::string& value) {
    return ErrorOf(MinimalConfig(kSmsInbox) + "web:\n  embed_origins: [\"" + value + "\"]\n");
  };
  EXPECT_EQ(origin("https://shop.example.com:8443"), "no error");
  const std::string no_host = origin("https://:8443");
  EXPECT_TRUE(Contains(no_host, "web.embed_origins[0]: 'https://:8443' has no host")) << no_host;
  const std::string port = origin("https://shop.example.com:99999");
  EXPECT_TRUE(Contains(port,
                       "web.embed_origins[0]: 'https://shop.example.com:99999' has an "
                       "invalid port"))
      << port;
}

TEST(AskRange, RejectsUnusableMinAndMax) {
  const std::string ask = "      - ask: \"How many?\"\n        save_as: count\n";
  EXPECT_EQ(ErrorOf(WithFlow(ask + "        validate: number\n        min: 1\n        max: 9\n")),
            "no error");
  const std::string reversed =
      ErrorOf(WithFlow(ask + "        validate: number\n        min: 9\n        max: 1\n"));
  EXPECT_TRUE(Contains(reversed, "flows[0].steps[0].min: is greater than max")) << reversed;
  const std::string text = ErrorOf(WithFlow(ask + "        max: 9\n"));
  EXPECT_TRUE(Contains(text, "flows[0].steps[0].max: applies only to validate: number")) << text;
}

TEST(KbMinScore, RejectsNegativeAndNan) {
  for (const std::string value : {"-1", ".nan"}) {
    const std::string error = ErrorOf(MinimalConfig(kSmsInbox, "  kb_min_score: " + value + "\n"));
    EXPECT_TRUE(Contains(error, "bot.kb_min_score: must be a number of at least 0")) << error;
  }
  EXPECT_EQ(ErrorOf(MinimalConfig(kSmsInbox, "  kb_min_score: 0\n")), "no error");
}

TEST(BotRules, ReservedAndDuplicateNamesRejected) {
  const auto rule = [](const std::string& name) {
    return "    - name: \"" + name + "\"\n      keywords: [refund]\n      answer: \"Refunds.\"\n";
  };
  for (const std::string name : {"oos", "handoff", "kb:Opening hours", "flow:refund"}) {
    const std::string error = ErrorOf(MinimalConfig(kSmsInbox, "  rules:\n" + rule(name)));
    EXPECT_TRUE(Contains(error, "bot.rules[0].name: '" + name + "' is an intent the bot sets"))
        << error;
  }
  const std::string duplicate =
      ErrorOf(MinimalConfig(kSmsInbox, "  rules:\n" + rule("refund") + rule("refund")));
  EXPECT_TRUE(Contains(duplicate, "bot.rules[1].name: duplicate rule name 'refund'")) << duplicate;
  EXPECT_EQ(ErrorOf(MinimalConfig(kSmsInbox, "  rules:\n" + rule("refund"))), "no error");
}

TEST(BotRules, BlankAndRepeatedExamplesRejected) {
  const std::string blank = ErrorOf(MinimalConfig(
      kSmsInbox, "  rules:\n    - name: refund\n      examples: [\"refund please\", \"   \"]\n"));
  EXPECT_TRUE(Contains(blank, "bot.rules[0].examples[1]: an example needs a word")) << blank;
  const std::string repeated = ErrorOf(MinimalConfig(
      kSmsInbox, "  rules:\n    - name: refund\n      examples: [\"my money\"]\n"
                 "    - name: balance\n      examples: [\"my money\"]\n"));
  EXPECT_TRUE(Contains(repeated, "bot.rules[1].examples[0]: the example 'my money' is also an "
                                 "example of rule 'refund'"))
      << repeated;
  const std::string twice = ErrorOf(MinimalConfig(
      kSmsInbox, "  rules:\n    - name: refund\n      examples: [\"My money\", \"my money\"]\n"));
  EXPECT_TRUE(Contains(twice, "bot.rules[0].examples[1]: the example 'my money' is listed twice "
                              "under this rule"))
      << twice;
}

TEST(OutOfScopeExamples, NeedModelAndOosLabels) {
  const mobilelink::testing::TempDir dir;
  const auto csv = dir.Path() / "oos.csv";
  std::ofstream(csv) << "text,label\nis the earth flat,oos\nwhere is my order,order_status\n";
  const std::string key = "  out_of_scope_examples: \"" + csv.string() + "\"\n";
  const std::string no_model = ErrorOf(MinimalConfig(kSmsInbox, key));
  EXPECT_TRUE(Contains(no_model, "bot.out_of_scope_examples: is used only by the intent model"))
      << no_model;
  const std::string model = "  intent_model: \"" + (dir.Path() / "m").string() + "\"\n";
  const std::string label = ErrorOf(MinimalConfig(kSmsInbox, model + key));
  EXPECT_TRUE(Contains(label, "row 2 has the label 'order_status'; every label must be oos"))
      << label;
  const std::string missing = ErrorOf(MinimalConfig(
      kSmsInbox, model + "  out_of_scope_examples: \"" + (dir.Path() / "no.csv").string() +
                     "\"\n"));
  EXPECT_TRUE(Contains(missing, "bot.out_of_scope_examples: ")) << missing;

  {
    std::ofstream many(csv);
    many << "text,label\n";
    for (int i = 0; i <= 20'000; ++i) {
      many << "unrelated question " << i << ",oos\n";
    }
  }
  const std::string large = ErrorOf(MinimalConfig(kSmsInbox, model + key));
  EXPECT_TRUE(Contains(large, "has 20001 rows, more than the 20000 allowed")) << large;

  std::ofstream(csv) << "text,label\nis the earth flat,oos\n";
  const Config config = ParseConfig(MinimalConfig(kSmsInbox, model + key), "test.yaml");
  EXPECT_EQ(config.bot.out_of_scope_texts, std::vector<std::string>{"is the earth flat"});
}

TEST(KnowledgeBase, DuplicateTitleRejected) {
  const std::string article = "    - title: Opening hours\n      body: \"9 to 5.\"\n";
  const std::string error =
      ErrorOf(MinimalConfig(kSmsInbox, "  knowledge_base:\n" + article + article));
  EXPECT_TRUE(Contains(error, "bot.knowledge_base[1].title: duplicate title 'Opening hours'"))
      << error;
}

}  // namespace
}  // namespace mobilelink::config
