// Reading Twilio's inbound-message and status-callback forms into normalized values. Each
// Twilio parameter name appears once here, as Twilio spells it.
// https://www.twilio.com/docs/messaging/guides/webhook-request (Twilio, inbound webhook)
// https://www.twilio.com/docs/messaging/guides/outbound-message-status-in-status-callbacks
// (Twilio, status callback)

#include <array>
#include <charconv>
#include <string>

#include <boost/url/parse.hpp>

#include "mobilelink/channels/common/phone.hpp"
#include "mobilelink/channels/common/webhook.hpp"
#include "mobilelink/channels/twilio_sms/internal.hpp"
#include "mobilelink/channels/twilio_sms/wire.hpp"

namespace mobilelink::channels::twilio_sms {
namespace {

// Twilio delivers at most 10 media items with one inbound MMS.
constexpr int kMaxInboundMedia = 10;
constexpr std::size_t kMaxQuotedValueBytes = 32;

constexpr std::string_view kEmptyTwiml =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response></Response>";

struct StatusMapping {
  std::string_view twilio_status;
  std::optional<core::DeliveryStatus> status;  // nullopt: not a delivery status, ignored.
};

// Twilio's message statuses and ours. `canceled` applies to a scheduled message that was never
// sent, so it ends as failed.
constexpr std::array<StatusMapping, 12> kStatusTable = {{
    {"accepted", core::DeliveryStatus::kQueued},
    {"scheduled", core::DeliveryStatus::kQueued},
    {"queued", core::DeliveryStatus::kQueued},
    {"sending", core::DeliveryStatus::kSent},
    {"sent", core::DeliveryStatus::kSent},
    {"delivered", core::DeliveryStatus::kDelivered},
    {"read", core::DeliveryStatus::kRead},
    {"failed", core::DeliveryStatus::kFailed},
    {"undelivered", core::DeliveryStatus::kFailed},
    {"canceled", core::DeliveryStatus::kFailed},
    {"receiving", std::nullopt},
    {"received", std::nullopt},
}};

// Quotes an untrusted value for a reason string, cut to a few bytes.
std::string Quote(std::string_view value) {
  std::string quoted = "\"" + std::string(value.substr(0, kMaxQuotedValueBytes));
  if (value.size() > kMaxQuotedValueBytes) {
    quoted += "...";
  }
  return quoted + "\"";
}

std::string ValueOf(const common::FormPairs& params, std::string_view name) {
  const std::string* value = common::FindFormValue(params, name);
  return value == nullptr ? std::string() : *value;
}

// A form parameter that failed a check, and why.
struct FormProblem {
  std::string field;
  std::string reason;
};

// Returns true for an absolute http or https URL with a host. The core stores media URLs and
// may fetch them, so a file:, javascript: or relative value must not get through.
bool IsHttpUrl(std::string_view text) {
  auto url = boost::urls::parse_absolute_uri(text);
  if (!url) {
    return false;
  }
  const boost::urls::scheme scheme = url->scheme_id();
  return (scheme == boost::urls::scheme::http || scheme == boost::urls::scheme::https) &&
         !url->encoded_host().empty();
}

std::optional<int> ParseMediaCount(std::string_view text) {
  if (text.empty()) {
    return 0;
  }
  int count = -1;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), count);
  if (error != std::errc() || end != text.data() + text.size() || count < 0 ||
      count > kMaxInboundMedia) {
    return std::nullopt;
  }
  return count;
}

// Reads the inbound form. Returns the problem when the media list is inconsistent.
std::optional<FormProblem> ReadInboundForm(const common::FormPairs& params,
                                           TwilioInboundForm& form) {
  form.message_sid = ValueOf(params, "MessageSid");
  form.account_sid = ValueOf(params, "AccountSid");
  form.messaging_service_sid = ValueOf(params, "MessagingServiceSid");
  form.from = ValueOf(params, "From");
  form.to = ValueOf(params, "To");
  form.body = ValueOf(params, "Body");
  form.num_media = ValueOf(params, "NumMedia");
  form.num_segments = ValueOf(params, "NumSegments");
  form.profile_name = ValueOf(params, "ProfileName");
  form.sms_status = ValueOf(params, "SmsStatus");

  auto count = ParseMediaCount(form.num_media);
  if (!count) {
    return FormProblem{"NumMedia",
                       "NumMedia must be a whole number from 0 to 10, got " + Quote(form.num_media)};
  }
  for (int n = 0; n < *count; ++n) {
    std::string url_key = "MediaUrl" + std::to_string(n);
    const std::string* url = common::FindFormValue(params, url_key);
    if (url == nullptr || url->empty()) {
      return FormProblem{url_key, url_key + " is missing although NumMedia is " + form.num_media};
    }
    if (!IsHttpUrl(*url)) {
      return FormProblem{url_key,
                         url_key + " must be an absolute http or https URL, got " + Quote(*url)};
    }
    form.media.push_back({*url, ValueOf(params, "MediaContentType" + std::to_string(n))});
  }
  return std::nullopt;
}

void ReadStatusForm(const common::FormPairs& params, TwilioStatusForm& form) {
  form.message_sid = ValueOf(params, "MessageSid");
  form.account_sid = ValueOf(params, "AccountSid");
  form.from = ValueOf(params, "From");
  form.to = ValueOf(params, "To");
  form.message_status = ValueOf(params, "MessageStatus");
  form.error_code = ValueOf(params, "ErrorCode");
  form.error_message = ValueOf(params, "ErrorMessage");
  form.raw_dlr_done_date = ValueOf(params, "RawDlrDoneDate");
}

// Returns a rejection when the form names another account than the inbox's. A form without
// AccountSid passes, because the signature already proves the auth token.
std::optional<ParsedWebhook> CheckAccount(const InboxConfig& inbox, std::string_view account_sid) {
  if (account_sid.empty() || account_sid == inbox.Get(kAccountSid)) {
    return std::nullopt;
  }
  return common::RejectWebhook(WebhookOutcome::kMalformed,
                               "AccountSid does not match the inbox's account_sid", "AccountSid");
}

}  // namespace

std::optional<core::DeliveryStatus> MapMessageStatus(std::string_view status, bool& known) {
  for (const StatusMapping& mapping : kStatusTable) {
    if (mapping.twilio_status == status) {
      known = true;
      return mapping.status;
    }
  }
  known = false;
  return std::nullopt;
}

ParsedWebhook ParseInboundForm(const InboxConfig& inbox, const common::FormPairs& params) {
  TwilioInboundForm form;
  if (auto problem = ReadInboundForm(params, form)) {
    return common::RejectWebhook(WebhookOutcome::kMalformed, std::move(problem->reason),
                                 problem->field);
  }
  if (auto rejected = CheckAccount(inbox, form.account_sid)) {
    return std::move(*rejected);
  }
  if (form.message_sid.empty()) {
    return common::RejectWebhook(WebhookOutcome::kMalformed, "MessageSid is missing",
                                 "MessageSid");
  }
  auto from =
      common::NormalizePhone(form.from, SettingOr(inbox, kDefaultRegion, kDefaultRegionValue));
  if (!from) {
    return common::RejectWebhook(WebhookOutcome::kMalformed,
                                 "From is not a valid phone number: " + Quote(form.from), "From");
  }

  core::InboundMessage message;
  message.inbox_id = inbox.id;
  message.provider_message_id = form.message_sid;
  message.from = {core::IdentityKind::kPhone, *from, ""};
  message.profile_name = form.profile_name;
  message.text = form.body;
  for (const TwilioMediaItem& item : form.media) {
    message.media.push_back({item.media_url, item.media_content_type});
  }

  ParsedWebhook parsed;
  parsed.outcome = WebhookOutcome::kAccepted;
  parsed.messages.push_back(std::move(message));
  // The reply goes out later through the REST API, so the TwiML response is empty.
  parsed.response = common::MakeResponse(200, "text/xml", std::string(kEmptyTwiml));
  return parsed;
}

ParsedWebhook ParseStatusForm(const InboxConfig& inbox, const common::FormPairs& params) {
  TwilioStatusForm form;
  ReadStatusForm(params, form);
  if (auto rejected = CheckAccount(inbox, form.account_sid)) {
    return std::move(*rejected);
  }
  if (form.message_sid.empty()) {
    return common::RejectWebhook(WebhookOutcome::kMalformed, "MessageSid is missing",
                                 "MessageSid");
  }
  if (form.message_status.empty()) {
    return common::RejectWebhook(WebhookOutcome::kMalformed, "MessageStatus is missing",
                                 "MessageStatus");
  }

  bool known = false;
  auto status = MapMessageStatus(form.message_status, known);
  if (!status) {
    std::string cause = known ? " is not a delivery status" : " is not a known status";
    return common::RejectWebhook(WebhookOutcome::kIgnored,
                                 "MessageStatus " + Quote(form.message_status) + cause,
                                 "MessageStatus");
  }

  core::StatusUpdate update;
  update.inbox_id = inbox.id;
  update.provider_message_id = form.message_sid;
  update.status = *status;
  update.error_code = form.error_code;
  update.error_message = form.error_message;

  ParsedWebhook parsed;
  parsed.outcome = WebhookOutcome::kAccepted;
  parsed.statuses.push_back(std::move(update));
  parsed.response = common::MakeResponse(200, "text/plain; charset=utf-8", "");
  return parsed;
}

}  // namespace mobilelink::channels::twilio_sms
