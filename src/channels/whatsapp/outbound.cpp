// Building Graph API send requests and reading their responses.
// https://developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes
// (Meta, WhatsApp error codes)

#include <algorithm>
#include <array>
#include <string>

#include <boost/json.hpp>

#include "mobilelink/channels/common/json_fields.hpp"
#include "mobilelink/channels/whatsapp/adapter.hpp"
#include "mobilelink/channels/whatsapp/internal.hpp"

namespace mobilelink::channels::whatsapp {
namespace json = boost::json;
namespace {

constexpr std::size_t kMaxErrorMessageBytes = 512;
// Maximum length of biz_opaque_callback_data in a Cloud API send body.
constexpr std::size_t kMaxCallbackDataChars = 512;

struct ErrorMapping {
  std::string_view code;
  SendFailure failure;
  bool retryable;
};

// Graph API error codes whose meaning changes what the outbox does. Codes not listed are
// kProviderError and not retried, unless the HTTP status is 5xx.
constexpr std::array<ErrorMapping, 7> kErrorTable = {{
    {"100", SendFailure::kMessageInvalid, false},         // Invalid parameter.
    {"190", SendFailure::kConfigInvalid, false},          // Access token expired or invalid.
    {"130429", SendFailure::kThrottled, true},            // Throughput limit reached.
    {"131008", SendFailure::kMessageInvalid, false},      // Required parameter missing.
    {"131026", SendFailure::kProviderError, false},       // Recipient cannot receive it.
    {"131047", SendFailure::kOutsideReplyWindow, false},  // Over 24 hours since the customer.
    {"131056", SendFailure::kThrottled, true},            // Pair rate limit for this recipient.
}};

std::string MessagesUrl(const InboxConfig& inbox) {
  std::string base = inbox.Get(kApiBaseUrl);
  if (base.empty()) {
    base = kDefaultApiBaseUrl;
  }
  while (!base.empty() && base.back() == '/') {
    base.pop_back();
  }
  std::string version = inbox.Get(kApiVersion);
  if (version.empty()) {
    version = kDefaultApiVersion;
  }
  return base + "/" + version + "/" + inbox.Get(kPhoneNumberId) + "/messages";
}

SendResult FailedResult(SendFailure failure, bool retryable, std::string message) {
  SendResult result;
  result.failure = failure;
  result.retryable = retryable;
  result.error_message = message.substr(0, kMaxErrorMessageBytes);
  return result;
}

SendResult ReadErrorResponse(const http::ClientResponse& response) {
  auto root = common::ParseJsonObject(response.body);
  const json::object* error = root ? common::JsonObject(*root, "error") : nullptr;
  std::string code = error ? common::JsonText(*error, "code") : std::string();
  std::string status = "HTTP " + std::to_string(response.status);

  SendResult result;
  if (!code.empty()) {
    std::string message = "WhatsApp error " + code + ": " + common::JsonText(*error, "message");
    const json::object* data = common::JsonObject(*error, "error_data");
    std::string details = data ? common::JsonText(*data, "details") : std::string();
    if (!details.empty()) {
      message += " (" + details + ")";
    }
    result = FailedResult(SendFailure::kProviderError, response.status >= 500, message);
    for (const ErrorMapping& mapping : kErrorTable) {
      if (mapping.code == code) {
        result.failure = mapping.failure;
        result.retryable = mapping.retryable;
      }
    }
  } else if (response.status == 429) {
    result = FailedResult(SendFailure::kThrottled, true, status + " from WhatsApp: throttled");
  } else if (response.status >= 500) {
    result = FailedResult(SendFailure::kResponseStatus, true, status + " from WhatsApp");
  } else {
    result = FailedResult(SendFailure::kResponseStatus, false,
                          status + " from WhatsApp without an error code");
  }
  result.error_code = code;
  return result;
}

// Limits of interactive messages, from Meta's Cloud API guide
// (https://developers.facebook.com/docs/whatsapp/guides/interactive-messages/): reply buttons
// take 1-3 buttons with titles of at most 20 characters, a list takes at most 10 rows with
// titles of at most 24 characters, and the body text of either is at most 1024 characters.
constexpr std::size_t kMaxButtons = 3;
constexpr std::size_t kMaxButtonTitleChars = 20;
constexpr std::size_t kMaxListRows = 10;
constexpr std::size_t kMaxRowTitleChars = 24;
constexpr std::size_t kMaxInteractiveBodyChars = 1024;

std::size_t CountCodePoints(std::string_view text) {
  std::size_t count = 0;
  for (const char c : text) {
    count += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  }
  return count;
}

bool TitlesFit(const std::vector<core::QuickReply>& options, std::size_t max_chars) {
  return std::all_of(options.begin(), options.end(), [&](const core::QuickReply& option) {
    return CountCodePoints(option.title) <= max_chars;
  });
}

// Returns the interactive object for options that fit buttons or a list, else nullopt.
std::optional<json::object> InteractiveFor(const OutboundMessage& message) {
  if (message.options.empty() || CountCodePoints(message.text) > kMaxInteractiveBodyChars) {
    return std::nullopt;
  }
  json::object interactive;
  interactive["body"] = json::object{{"text", message.text}};
  if (message.options.size() <= kMaxButtons && TitlesFit(message.options, kMaxButtonTitleChars)) {
    json::array buttons;
    for (const auto& option : message.options) {
      buttons.push_back(json::object{
          {"type", "reply"}, {"reply", json::object{{"id", option.id}, {"title", option.title}}}});
    }
    interactive["type"] = "button";
    interactive["action"] = json::object{{"buttons", std::move(buttons)}};
    return interactive;
  }
  if (message.options.size() <= kMaxListRows && TitlesFit(message.options, kMaxRowTitleChars)) {
    json::array rows;
    for (const auto& option : message.options) {
      rows.push_back(json::object{{"id", option.id}, {"title", option.title}});
    }
    interactive["type"] = "list";
    interactive["action"] = json::object{
        {"button", "Choose"},
        {"sections", json::array{json::object{{"title", "Options"}, {"rows", std::move(rows)}}}}};
    return interactive;
  }
  return std::nullopt;
}

// Lists options as numbered lines when they fit neither buttons nor a list.
std::string TextWithOptions(const OutboundMessage& message) {
  std::string text = message.text;
  for (std::size_t i = 0; i < message.options.size(); ++i) {
    text += "\n" + std::to_string(i + 1) + ". " + message.options[i].title;
  }
  return text;
}

}  // namespace

std::optional<http::ClientRequest> WhatsAppAdapter::BuildSend(
    const InboxConfig& inbox, const OutboundMessage& message) const {
  // Meta takes the recipient as international digits without '+'.
  std::string to = message.to;
  if (!to.empty() && to.front() == '+') {
    to.erase(0, 1);
  }
  json::object body;
  body["messaging_product"] = "whatsapp";
  body["recipient_type"] = "individual";
  body["to"] = to;
  if (auto interactive = InteractiveFor(message)) {
    body["type"] = "interactive";
    body["interactive"] = std::move(*interactive);
  } else {
    json::object text;
    text["preview_url"] = false;
    text["body"] = TextWithOptions(message);
    body["type"] = "text";
    body["text"] = std::move(text);
  }
  if (!message.callback_data.empty()) {
    // Meta echoes the value in every status webhook of the message, which is how a send with
    // an unknown outcome is found again.
    body["biz_opaque_callback_data"] = message.callback_data.substr(0, kMaxCallbackDataChars);
  }

  http::ClientRequest request;
  request.method = "POST";
  request.url = MessagesUrl(inbox);
  request.headers.Add("Authorization", "Bearer " + inbox.Get(kAccessToken));
  request.headers.Add("Content-Type", "application/json");
  request.body = json::serialize(body);
  return request;
}

SendResult WhatsAppAdapter::ParseSendResponse(const http::ClientResponse& response) const {
  if (!http::IsSuccess(response.status)) {
    return ReadErrorResponse(response);
  }
  auto root = common::ParseJsonObject(response.body);
  const json::array* messages = root ? common::JsonArray(*root, "messages") : nullptr;
  const json::object* first =
      messages != nullptr && !messages->empty() ? messages->front().if_object() : nullptr;
  std::string id = first ? common::JsonText(*first, "id") : std::string();
  if (id.empty()) {
    // Meta may have taken the message, so this is not retried.
    return FailedResult(SendFailure::kResponseUnparseable, false,
                        "HTTP " + std::to_string(response.status) +
                            " from WhatsApp without messages[0].id in the body");
  }

  SendResult result;
  result.ok = true;
  result.provider_message_id = std::move(id);
  // A wamid means Meta accepted the message; "sent" arrives later as a status webhook.
  result.status = core::DeliveryStatus::kQueued;
  return result;
}

}  // namespace mobilelink::channels::whatsapp
