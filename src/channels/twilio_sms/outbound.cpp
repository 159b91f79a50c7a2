// Building Twilio REST requests and reading their responses: the Messages create call that sends
// a message, and the Messages list call that finds a message whose send outcome is unknown.
// https://www.twilio.com/docs/messaging/api/message-resource (Twilio, Message resource)
// https://www.twilio.com/docs/api/errors (Twilio, error and warning dictionary)

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <ctime>

#include <boost/json.hpp>

#include "mobilelink/channels/common/form.hpp"
#include "mobilelink/channels/common/hmac.hpp"
#include "mobilelink/channels/common/json_fields.hpp"
#include "mobilelink/channels/common/webhook.hpp"
#include "mobilelink/channels/twilio_sms/adapter.hpp"
#include "mobilelink/channels/twilio_sms/internal.hpp"
#include "mobilelink/channels/twilio_sms/wire.hpp"

namespace mobilelink::channels::twilio_sms {
namespace json = boost::json;
namespace {

// A page of 50 covers the messages sent to one contact around one send attempt.
constexpr std::string_view kLookupPageSize = "50";
constexpr std::size_t kMaxErrorMessageBytes = 512;

struct ErrorMapping {
  std::string_view code;
  SendFailure failure;
  bool retryable;
};

// Twilio REST error codes whose meaning changes what the outbox does. Codes not listed are
// kProviderError and not retried.
constexpr std::array<ErrorMapping, 4> kErrorTable = {{
    {"20003", SendFailure::kConfigInvalid, false},       // Authentication failed.
    {"21211", SendFailure::kMessageInvalid, false},      // Invalid 'To' phone number.
    {"21610", SendFailure::kContactOptedOut, false},     // Recipient replied STOP.
    {"63016", SendFailure::kOutsideReplyWindow, false},  // WhatsApp outside the 24-hour window.
}};

std::string BasicAuthorization(const InboxConfig& inbox) {
  return "Basic " + common::Base64Encode(inbox.Get(kAccountSid) + ":" + inbox.Get(kAuthToken));
}

std::string MessagesUrl(const InboxConfig& inbox) {
  std::string base = SettingOr(inbox, kApiBaseUrl, kDefaultApiBaseUrl);
  while (!base.empty() && base.back() == '/') {
    base.pop_back();
  }
  return base + "/2010-04-01/Accounts/" + common::EncodeFormComponent(inbox.Get(kAccountSid)) +
         "/Messages.json";
}

TwilioMessageResource ReadMessageResource(const json::object& object) {
  TwilioMessageResource resource;
  resource.sid = common::JsonText(object, "sid");
  resource.status = common::JsonText(object, "status");
  resource.to = common::JsonText(object, "to");
  resource.from = common::JsonText(object, "from");
  resource.body = common::JsonText(object, "body");
  resource.date_created = common::JsonText(object, "date_created");
  resource.direction = common::JsonText(object, "direction");
  resource.error_code = common::JsonText(object, "error_code");
  resource.error_message = common::JsonText(object, "error_message");
  return resource;
}

TwilioRestError ReadRestError(const json::object& object) {
  return {common::JsonText(object, "code"), common::JsonText(object, "message"),
          common::JsonText(object, "more_info")};
}

std::optional<std::chrono::seconds> ParseRetryAfter(const http::Headers& headers) {
  auto value = common::FindHeader(headers, "Retry-After");
  if (!value) {
    return std::nullopt;
  }
  long seconds = -1;
  auto [end, error] = std::from_chars(value->data(), value->data() + value->size(), seconds);
  if (error != std::errc() || end != value->data() + value->size() || seconds < 0) {
    return std::nullopt;  // An HTTP-date is not used by Twilio; the outbox backs off instead.
  }
  return std::chrono::seconds(seconds);
}

SendResult FailedResult(SendFailure failure, bool retryable, std::string message) {
  SendResult result;
  result.failure = failure;
  result.retryable = retryable;
  result.error_message = message.substr(0, kMaxErrorMessageBytes);
  return result;
}

SendResult ReadErrorResponse(const http::ClientResponse& response) {
  auto object = common::ParseJsonObject(response.body);
  TwilioRestError error = object ? ReadRestError(*object) : TwilioRestError{};
  std::string status = "HTTP " + std::to_string(response.status);
  SendResult result;
  if (response.status == 429) {
    result = FailedResult(SendFailure::kThrottled, true, status + " from Twilio: throttled");
    result.retry_after = ParseRetryAfter(response.headers);
  } else if (response.status >= 500) {
    result = FailedResult(SendFailure::kResponseStatus, true, status + " from Twilio");
  } else if (error.code.empty()) {
    result = FailedResult(SendFailure::kResponseStatus, false,
                          status + " from Twilio without an error code");
  } else {
    result = FailedResult(SendFailure::kProviderError, false,
                          "Twilio error " + error.code + ": " + error.message);
    for (const ErrorMapping& mapping : kErrorTable) {
      if (mapping.code == error.code) {
        result.failure = mapping.failure;
        result.retryable = mapping.retryable;
      }
    }
  }
  result.error_code = error.code;
  return result;
}

// Parses Twilio's RFC 2822 dates, "Wed, 01 Jan 2025 12:00:00 +0000".
std::optional<core::TimePoint> ParseRfc2822(const std::string& text) {
  std::tm fields{};
  const char* end = strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S %z", &fields);
  if (end == nullptr || *end != '\0') {
    return std::nullopt;
  }
  long offset_seconds = fields.tm_gmtoff;
  std::time_t utc = timegm(&fields) - offset_seconds;
  return core::Clock::from_time_t(utc);
}


}  // namespace

std::optional<http::ClientRequest> TwilioSmsAdapter::BuildSend(
    const InboxConfig& inbox, const OutboundMessage& message) const {
  common::FormPairs form{{"To", message.to}};
  std::string service_sid = inbox.Get(kMessagingServiceSid);
  if (service_sid.empty()) {
    form.emplace_back("From", inbox.Get(kFrom));
  } else {
    form.emplace_back("MessagingServiceSid", service_sid);
  }
  if (!message.text.empty()) {
    form.emplace_back("Body", message.text);
  }
  for (const core::Media& media : message.media) {
    form.emplace_back("MediaUrl", media.url);
  }
  if (!message.status_callback_url.empty()) {
    form.emplace_back("StatusCallback", message.status_callback_url);
  }

  http::ClientRequest request;
  request.method = "POST";
  request.url = MessagesUrl(inbox);
  request.headers.Add("Authorization", BasicAuthorization(inbox));
  request.headers.Add("Content-Type", "application/x-www-form-urlencoded");
  request.headers.Add("Accept", "application/json");
  request.body = common::EncodeForm(form);
  return request;
}

SendResult TwilioSmsAdapter::ParseSendResponse(const http::ClientResponse& response) const {
  if (!http::IsSuccess(response.status)) {
    return ReadErrorResponse(response);
  }
  auto object = common::ParseJsonObject(response.body);
  TwilioMessageResource resource = object ? ReadMessageResource(*object) : TwilioMessageResource{};
  if (resource.sid.empty()) {
    // Twilio may have taken the message, so this is not retried: a lookup settles it.
    return FailedResult(SendFailure::kResponseUnparseable, false,
                        "HTTP " + std::to_string(response.status) +
                            " from Twilio without a message sid in the body");
  }

  SendResult result;
  result.ok = true;
  result.provider_message_id = resource.sid;
  bool known = false;
  result.status = MapMessageStatus(resource.status, known).value_or(core::DeliveryStatus::kQueued);
  result.error_code = resource.error_code;
  result.error_message = resource.error_message;
  return result;
}

std::optional<http::ClientRequest> TwilioSmsAdapter::BuildLookup(const InboxConfig& inbox,
                                                                 const OutboundMessage& message,
                                                                 core::TimePoint not_before) const {
  // The list call has no date filter on purpose. Its only date filter, DateSent, matches on
  // date_sent, which Twilio sets when it hands the message on, so a message still queued has
  // none and a DateSent filter would hide exactly the message a lookup is for. When the message
  // has an attempt time, ParseLookupResponse drops older entries by date_created instead.
  // https://twilio.com/docs/libraries/reference/twilio-php/7.3.0/classes/Twilio_Rest_Api_V2010_Account_ReadMessageOptions.html
  // (Twilio, ReadMessageOptions: DateSent reads "messages sent on this date")
  // https://jp.twilio.com/docs/sms/api/message (Twilio, Message resource: date_sent)
  (void)not_before;
  std::string url = MessagesUrl(inbox) + "?To=" + common::EncodeFormComponent(message.to);
  if (inbox.Get(kMessagingServiceSid).empty()) {
    url += "&From=" + common::EncodeFormComponent(inbox.Get(kFrom));
  }
  url += "&PageSize=" + std::string(kLookupPageSize);

  http::ClientRequest request;
  request.method = "GET";
  request.url = std::move(url);
  request.headers.Add("Authorization", BasicAuthorization(inbox));
  request.headers.Add("Accept", "application/json");
  return request;
}

LookupResult TwilioSmsAdapter::ParseLookupResponse(const OutboundMessage& message,
                                                   const http::ClientResponse& response) const {
  LookupResult result;
  auto object = common::ParseJsonObject(response.body);
  const json::value* messages = object ? object->if_contains("messages") : nullptr;
  if (!http::IsSuccess(response.status) || messages == nullptr || !messages->is_array()) {
    return result;
  }
  result.conclusive = true;
  std::optional<core::TimePoint> not_before;
  if (message.attempted_at) {
    // Twilio stores whole seconds, so the attempt time is cut to its second.
    not_before = std::chrono::floor<std::chrono::seconds>(*message.attempted_at);
  }

  struct Match {
    std::string sid;
    core::TimePoint created;  // The epoch when date_created is missing or unreadable.
  };
  std::vector<Match> matches;
  for (const json::value& item : messages->get_array()) {
    if (!item.is_object()) {
      continue;
    }
    TwilioMessageResource resource = ReadMessageResource(item.get_object());
    if (resource.sid.empty() || resource.to != message.to || resource.body != message.text ||
        resource.direction.rfind("outbound", 0) != 0) {
      continue;
    }
    auto created = ParseRfc2822(resource.date_created);
    if (not_before && (!created || *created < *not_before)) {
      continue;
    }
    matches.push_back({resource.sid, created.value_or(core::TimePoint{})});
  }
  // The same text sent twice to one contact matches twice. The newest is the likeliest to be the
  // send in doubt, and the caller skips the ids it has already recorded.
  std::stable_sort(matches.begin(), matches.end(),
                   [](const Match& a, const Match& b) { return a.created > b.created; });
  for (Match& match : matches) {
    result.candidates.push_back(std::move(match.sid));
  }
  if (!result.candidates.empty()) {
    result.found = true;
    result.provider_message_id = result.candidates.front();
  }
  return result;
}

}  // namespace mobilelink::channels::twilio_sms
