#pragma once

// Shared pieces of the table-driven channel adapter tests: fixture loading, request building
// and the checks that every inbound case makes.
//
// The adapter tests call ParseWebhook directly. tests/integration/adapter_replay_test.cpp
// posts InboundCase rows to the real server over loopback and replays each one once.

#include <fstream>
#include <functional>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include "mobilelink/channels/adapter.hpp"
#include "mobilelink/core/model.hpp"
#include "mobilelink/http/types.hpp"

namespace mobilelink::channels::testing {

/// Returns the bytes of src/channels/<channel>/testdata/<name>, exactly as stored.
inline std::string ReadFixture(std::string_view channel, std::string_view name) {
  std::string path = std::string(MOBILELINK_SOURCE_DIR) + "/src/channels/" + std::string(channel) +
                     "/testdata/" + std::string(name);
  std::ifstream file(path, std::ios::binary);
  EXPECT_TRUE(file.good()) << "fixture not found: " << path;
  std::ostringstream contents;
  contents << file.rdbuf();
  return contents.str();
}

/// Returns the first header value named `name` (case-insensitive), or nullopt.
inline std::optional<std::string> HeaderValue(const http::Headers& headers, std::string_view name) {
  for (const auto& [key, value] : headers.Lines()) {
    bool equal = key.size() == name.size();
    for (std::size_t i = 0; equal && i < key.size(); ++i) {
      equal = std::tolower(static_cast<unsigned char>(key[i])) ==
              std::tolower(static_cast<unsigned char>(name[i]));
    }
    if (equal) {
      return value;
    }
  }
  return std::nullopt;
}

/// The normalized message that an inbound case expects.
struct ExpectedMessage {
  std::string provider_message_id;
  std::string from;
  std::string text;
  std::vector<core::Media> media;
  std::string profile_name;
  std::string reply_id;
};

/// The normalized status update that an inbound case expects.
struct ExpectedStatus {
  std::string provider_message_id;
  core::DeliveryStatus status = core::DeliveryStatus::kNone;
  std::string error_code;
  std::string error_message;
};

/// Returns the signature header value for a request body and URL, or nullopt to send none.
using SignatureHook =
    std::function<std::optional<std::string>(const std::string& body, const std::string& url)>;

/// One row of an inbound table.
struct InboundCase {
  std::string name;  // PascalCase; becomes the test name.
  std::string fixture;
  std::string method = "POST";
  std::string content_type;
  std::string query;
  bool status_route = false;
  SignatureHook sign;
  WebhookOutcome outcome = WebhookOutcome::kAccepted;
  int http_status = 200;
  std::vector<ExpectedMessage> messages;
  std::vector<ExpectedStatus> statuses;
  std::string reason;  // Expected substring of ParsedWebhook::reason; empty checks nothing.
  std::string field;   // Expected "field" of the JSON error body; empty checks nothing.
};

/// Checks that the response to a rejected or ignored webhook is the JSON error body, with the
/// outcome as its code and the reason as its message.
inline void ExpectErrorBody(const InboundCase& row, const ParsedWebhook& parsed) {
  EXPECT_EQ(HeaderValue(parsed.response->headers, "Content-Type"), "application/json");
  boost::system::error_code error;
  boost::json::value body = boost::json::parse(parsed.response->body, error);
  ASSERT_FALSE(error) << parsed.response->body;
  const boost::json::value* error_value =
      body.is_object() ? body.get_object().if_contains("error") : nullptr;
  const boost::json::object* fields = error_value ? error_value->if_object() : nullptr;
  ASSERT_NE(fields, nullptr) << parsed.response->body;
  EXPECT_EQ(fields->at("code").as_string(), ToString(row.outcome));
  EXPECT_EQ(fields->at("message").as_string(), parsed.reason);
  if (!row.field.empty()) {
    ASSERT_TRUE(fields->contains("field")) << parsed.response->body;
    EXPECT_EQ(fields->at("field").as_string(), row.field);
  }
}

inline std::string CaseName(const ::testing::TestParamInfo<InboundCase>& info) {
  return info.param.name;
}

/// Prints a row as its name, so GoogleTest does not dump the row's bytes on failure.
inline void PrintTo(const InboundCase& row, std::ostream* out) { *out << row.name; }

/// Checks a parsed webhook against the row's expectations, one assertion per fact.
inline void ExpectParsed(const InboundCase& row, const ParsedWebhook& parsed) {
  EXPECT_EQ(ToString(parsed.outcome), ToString(row.outcome));
  ASSERT_TRUE(parsed.response.has_value());
  EXPECT_EQ(parsed.response->status, row.http_status);
  if (row.outcome != WebhookOutcome::kAccepted && row.outcome != WebhookOutcome::kHandshake) {
    ExpectErrorBody(row, parsed);
  }
  if (!row.reason.empty()) {
    EXPECT_NE(parsed.reason.find(row.reason), std::string::npos) << parsed.reason;
  }
  ASSERT_EQ(parsed.messages.size(), row.messages.size());
  for (std::size_t i = 0; i < row.messages.size(); ++i) {
    const ExpectedMessage& expected = row.messages[i];
    const core::InboundMessage& actual = parsed.messages[i];
    EXPECT_EQ(actual.provider_message_id, expected.provider_message_id);
    EXPECT_EQ(actual.from.kind, core::IdentityKind::kPhone);
    EXPECT_EQ(actual.from.value, expected.from);
    EXPECT_EQ(actual.text, expected.text);
    EXPECT_EQ(actual.profile_name, expected.profile_name);
    EXPECT_EQ(actual.reply_id, expected.reply_id);
    ASSERT_EQ(actual.media.size(), expected.media.size());
    for (std::size_t m = 0; m < expected.media.size(); ++m) {
      EXPECT_EQ(actual.media[m].url, expected.media[m].url);
      EXPECT_EQ(actual.media[m].content_type, expected.media[m].content_type);
    }
  }
  ASSERT_EQ(parsed.statuses.size(), row.statuses.size());
  for (std::size_t i = 0; i < row.statuses.size(); ++i) {
    const ExpectedStatus& expected = row.statuses[i];
    const core::StatusUpdate& actual = parsed.statuses[i];
    EXPECT_EQ(actual.provider_message_id, expected.provider_message_id);
    EXPECT_EQ(static_cast<int>(actual.status), static_cast<int>(expected.status));
    EXPECT_EQ(actual.error_code, expected.error_code);
    EXPECT_EQ(actual.error_message, expected.error_message);
  }
}

/// Returns true when any secret setting's value appears in `text`.
inline bool ContainsSecret(const ChannelAdapter& adapter, const InboxConfig& inbox,
                           std::string_view text) {
  for (const SettingSpec& spec : adapter.Settings()) {
    std::string value = inbox.Get(spec.key);
    if (spec.secret && !value.empty() && text.find(value) != std::string_view::npos) {
      return true;
    }
  }
  return false;
}

/// Returns `bytes` cut at every length and with each byte in turn flipped, for robustness
/// tests: each variant is a distinct malformed input. The count is bounded by 2 * size + 1.
inline std::vector<std::string> MutateBytes(const std::string& bytes) {
  std::vector<std::string> variants;
  for (std::size_t length = 0; length <= bytes.size(); ++length) {
    variants.push_back(bytes.substr(0, length));
  }
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    std::string flipped = bytes;
    flipped[i] = static_cast<char>(flipped[i] ^ 0x5A);
    variants.push_back(std::move(flipped));
  }
  return variants;
}

}  // namespace mobilelink::channels::testing
