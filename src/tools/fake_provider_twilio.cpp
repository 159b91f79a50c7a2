// The fake Twilio Messages API: create and list messages, and status callbacks.

#include <algorithm>

#include <boost/json.hpp>
#include <openssl/evp.h>

#include "mobilelink/channels/common/sms_encoding.hpp"
#include "mobilelink/channels/twilio_sms/signature.hpp"
#include "mobilelink/tools/fake_provider_impl.hpp"

namespace mobilelink::tools {
namespace {

namespace json = boost::json;

constexpr std::string_view kApiVersion = "2010-04-01";
constexpr std::size_t kMaxBodyChars = 1600;
constexpr std::size_t kMaxMediaUrls = 10;

struct BasicCredentials {
  std::string user;
  std::string password;
};

std::optional<BasicCredentials> ParseBasicAuth(const std::optional<std::string>& header) {
  constexpr std::string_view kPrefix = "Basic ";
  if (!header || !header->starts_with(kPrefix)) {
    return std::nullopt;
  }
  const std::string encoded = header->substr(kPrefix.size());
  std::string decoded(encoded.size(), '\0');
  const int length = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(decoded.data()),
                                     reinterpret_cast<const unsigned char*>(encoded.data()),
                                     static_cast<int>(encoded.size()));
  if (length < 0) {
    return std::nullopt;
  }
  // EVP_DecodeBlock counts the '=' padding as zero bytes; drop them.
  decoded.resize(static_cast<std::size_t>(length));
  const auto padding = encoded.size() - encoded.find_last_not_of('=') - 1;
  decoded.resize(decoded.size() - std::min(padding, decoded.size()));
  const auto colon = decoded.find(':');
  if (colon == std::string::npos) {
    return std::nullopt;
  }
  return BasicCredentials{decoded.substr(0, colon), decoded.substr(colon + 1)};
}

std::size_t CountCodePoints(std::string_view text) {
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

http::HttpResponse TwilioError(int status, int code, const std::string& message) {
  json::object body{{"code", code},
                    {"message", message},
                    {"more_info", "https://www.twilio.com/docs/errors/" + std::to_string(code)},
                    {"status", status}};
  return http::HttpResponse::Json(status, json::serialize(body));
}

std::string FieldOr(const RecordedSend& record, std::string_view name) {
  return record.Field(name).value_or("");
}

std::size_t CountField(const RecordedSend& record, std::string_view name) {
  return static_cast<std::size_t>(
      std::count_if(record.fields.begin(), record.fields.end(),
                    [&](const auto& pair) { return pair.first == name; }));
}

// Returns the error for an invalid create request, using Twilio's codes: 21604 To missing,
// 21211 To invalid, 21603 From missing, 21602 Body and MediaUrl both missing, 21617 Body too
// long, 21623 too many media URLs.
std::optional<http::HttpResponse> ValidateCreate(const RecordedSend& record) {
  const auto to = FieldOr(record, "To");
  if (to.empty()) {
    return TwilioError(400, 21604, "A 'To' phone number is required.");
  }
  const std::string_view number = std::string_view(to).starts_with("whatsapp:")
                                      ? std::string_view(to).substr(9)
                                      : std::string_view(to);
  if (!IsE164(number)) {
    return TwilioError(400, 21211, "The 'To' number " + to + " is not a valid phone number.");
  }
  if (FieldOr(record, "From").empty() && FieldOr(record, "MessagingServiceSid").empty()) {
    return TwilioError(400, 21603, "A 'From' phone number or MessagingServiceSid is required.");
  }
  const auto body = FieldOr(record, "Body");
  const auto media_count = CountField(record, "MediaUrl");
  if (body.empty() && media_count == 0) {
    return TwilioError(400, 21602, "Message body is required unless MediaUrl is set.");
  }
  if (body.size() > kMaxBodyChars * 4 || CountCodePoints(body) > kMaxBodyChars) {
    return TwilioError(400, 21617,
                       "The concatenated message body exceeds the 1600 character "
                       "limit.");
  }
  if (media_count > kMaxMediaUrls) {
    return TwilioError(400, 21623, "The number of media URLs exceeds the limit of 10.");
  }
  return std::nullopt;
}

// Returns true when Twilio would have set date_sent: once it has handed the message on. A queued
// message has date_sent null.
bool HasDateSent(const RecordedSend& record) {
  return record.delivery_status == "sent" || record.delivery_status == "delivered";
}

// Builds the message resource as Twilio returns it from create and list.
json::object MessageResource(const RecordedSend& record, std::string_view account_sid) {
  const auto service = record.Field("MessagingServiceSid");
  const auto body = FieldOr(record, "Body");
  const auto uri =
      "/2010-04-01/Accounts/" + std::string(account_sid) + "/Messages/" + record.message_id;
  const bool sent = HasDateSent(record);
  json::object resource{
      {"sid", record.message_id},
      {"account_sid", account_sid},
      {"messaging_service_sid", service ? json::value(*service) : json::value(nullptr)},
      {"from", record.Field("From") ? json::value(FieldOr(record, "From")) : json::value(nullptr)},
      {"to", FieldOr(record, "To")},
      {"body", body},
      {"status", record.delivery_status},
      {"direction", "outbound-api"},
      // Twilio returns "0" while a Messaging Service has not picked the sender yet.
      {"num_segments", service ? "0" : std::to_string(channels::common::SplitSms(body).segments)},
      {"num_media", std::to_string(CountField(record, "MediaUrl"))},
      {"price", nullptr},
      {"price_unit", "USD"},
      {"error_code", nullptr},
      {"error_message", nullptr},
      {"date_created", FormatRfc2822(record.received_at)},
      {"date_updated", FormatRfc2822(record.received_at)},
      {"date_sent", sent ? json::value(FormatRfc2822(record.received_at)) : json::value(nullptr)},
      {"api_version", kApiVersion},
      {"uri", uri + ".json"},
      {"subresource_uris", json::object{{"media", uri + "/Media.json"}}}};
  return resource;
}

// Returns the UTC calendar date of a time as YYYY-MM-DD, the format of Twilio's DateSent filter.
std::string UtcDate(std::chrono::system_clock::time_point time) {
  return FormatRfc3339(time).substr(0, 10);
}

// Applies the list filters of the Messages read call. The DateSent filters compare date_sent,
// as Twilio's do, so a message without date_sent (still queued) matches none of them. On the
// wire `DateSent>=2025-01-01` is the parameter `DateSent>` with the value `2025-01-01`.
// https://twilio.com/docs/libraries/reference/twilio-php/7.3.0/classes/Twilio_Rest_Api_V2010_Account_ReadMessageOptions.html
// (Twilio, ReadMessageOptions: DateSent reads "messages sent on this date")
// https://jp.twilio.com/docs/sms/api/message (Twilio, Message resource: date_sent is when the
// message was sent from Twilio's platform)
bool MatchesListFilters(const RecordedSend& record, const http::HttpRequest& request) {
  const auto to = request.QueryParam("To");
  const auto from = request.QueryParam("From");
  const auto on = request.QueryParam("DateSent");
  const auto after = request.QueryParam("DateSent>");
  const auto before = request.QueryParam("DateSent<");
  if ((to && FieldOr(record, "To") != *to) || (from && FieldOr(record, "From") != *from)) {
    return false;
  }
  if (!on && !after && !before) {
    return true;
  }
  if (!HasDateSent(record)) {
    return false;
  }
  const auto date = UtcDate(record.received_at);
  return (!on || date == *on) && (!after || date >= *after) && (!before || date <= *before);
}

// Returns the 401 response when the Basic credentials are missing or do not match the account.
// The auth token is checked only when the config lists a twilio_sms inbox for the account.
std::optional<http::HttpResponse> CheckTwilioAuth(const ToolConfig& config,
                                                  const std::string& account_sid,
                                                  const std::optional<BasicCredentials>& auth) {
  if (!auth || auth->user.empty() || auth->password.empty()) {
    return TwilioError(401, 20003, "Authentication Error - No credentials provided");
  }
  const auto* inbox = config.FindTwilioInbox(account_sid);
  if (auth->user != account_sid ||
      (inbox != nullptr && inbox->Get("auth_token") != auth->password)) {
    return TwilioError(401, 20003, "Authentication Error - invalid username or password");
  }
  return std::nullopt;
}

}  // namespace

void FakeProvider::Impl::AddTwilioRoutes(http::Router& router) {
  const std::string path = "/2010-04-01/Accounts/{AccountSid}/Messages.json";
  router.Add("POST", path, [this](http::HttpRequest&& request, http::Responder done) {
    HandleTwilioSend(std::move(request), done);
  });
  router.Add("GET", path, [this](http::HttpRequest&& request, http::Responder done) {
    HandleTwilioList(std::move(request), done);
  });
}

void FakeProvider::Impl::HandleTwilioSend(http::HttpRequest&& request,
                                          const http::Responder& responder) {
  const FakeBehaviour behaviour = Behaviour();
  const std::string account_sid = request.path_params["AccountSid"];
  RecordedSend record;
  record.provider = "twilio";
  record.method = request.method;
  record.path = request.path;
  record.headers = request.headers.Lines();
  record.body = request.body;
  record.received_at = std::chrono::system_clock::now();
  auto form = http::ParseForm(request.body);
  if (form) {
    record.fields = std::move(*form);
  }
  record.to = FieldOr(record, "To");
  if (record.to.starts_with("whatsapp:")) {
    record.to.erase(0, 9);
  }
  record.from = record.Field("From").value_or(FieldOr(record, "MessagingServiceSid"));
  record.text = FieldOr(record, "Body");

  const auto auth = ParseBasicAuth(request.headers.Get("Authorization"));
  std::optional<http::HttpResponse> error = CheckTwilioAuth(config_, account_sid, auth);
  if (!error) {
    if (const auto failure = TakeFailure()) {
      const int code = failure->fail_code != 0 ? failure->fail_code : 20000 + failure->fail_status;
      error = TwilioError(failure->fail_status, code, "Injected failure from the fake provider");
      if (failure->retry_after_s > 0) {
        error->headers.Set("Retry-After", std::to_string(failure->retry_after_s));
      }
    }
  }
  if (!error && !form) {
    error = TwilioError(400, 20001, "The request body is not valid form data.");
  }
  if (!error) {
    error = ValidateCreate(record);
  }
  if (error) {
    record.http_status = error->status;
    Record(std::move(record));
    Answer(responder, std::move(*error), behaviour.delay);
    return;
  }

  record.message_id = "SM" + RandomHex(32);
  record.delivery_status = record.Field("MessagingServiceSid") ? "accepted" : "queued";
  record.http_status = 201;
  record.seq = Record(record);
  Answer(responder,
         http::HttpResponse::Json(201, json::serialize(MessageResource(record, account_sid))),
         behaviour.delay);
  const auto callback_url = FieldOr(record, "StatusCallback");
  if (behaviour.callbacks && !callback_url.empty()) {
    QueueTwilioCallbacks(record, account_sid, auth->password, callback_url,
                         behaviour.callback_delay);
  }
}

void FakeProvider::Impl::HandleTwilioList(http::HttpRequest&& request,
                                          const http::Responder& responder) {
  const std::string account_sid = request.path_params["AccountSid"];
  const auto auth = ParseBasicAuth(request.headers.Get("Authorization"));
  if (auto error = CheckTwilioAuth(config_, account_sid, auth)) {
    responder(std::move(*error));
    return;
  }
  json::array messages;
  auto records = Messages();
  // Twilio lists the newest message first.
  std::reverse(records.begin(), records.end());
  for (const auto& record : records) {
    if (record.provider == "twilio" && http::IsSuccess(record.http_status) &&
        record.path == request.path && MatchesListFilters(record, request)) {
      messages.push_back(MessageResource(record, account_sid));
    }
  }
  // NOTE: the whole filtered list comes back as page 0, without PageSize or paging URIs.
  const auto page_size = messages.size();
  json::object body{{"messages", std::move(messages)},  {"page", 0},
                    {"page_size", page_size},           {"uri", request.target},
                    {"first_page_uri", request.target}, {"next_page_uri", nullptr},
                    {"previous_page_uri", nullptr}};
  responder(http::HttpResponse::Json(200, json::serialize(body)));
}

void FakeProvider::Impl::QueueTwilioCallbacks(const RecordedSend& record,
                                              const std::string& account_sid,
                                              const std::string& auth_token,
                                              const std::string& callback_url,
                                              std::chrono::milliseconds delay) {
  // Twilio sends no callback for the initial queued status, only for later ones.
  auto make_job = [record, account_sid, auth_token, callback_url](const std::string& status) {
    std::vector<std::pair<std::string, std::string>> params = {{"MessageSid", record.message_id},
                                                               {"SmsSid", record.message_id},
                                                               {"AccountSid", account_sid}};
    if (const auto service = record.Field("MessagingServiceSid")) {
      params.emplace_back("MessagingServiceSid", *service);
    }
    if (const auto from = record.Field("From")) {
      params.emplace_back("From", *from);
    }
    params.insert(params.end(), {{"To", FieldOr(record, "To")},
                                 {"MessageStatus", status},
                                 {"SmsStatus", status},
                                 {"ApiVersion", std::string(kApiVersion)}});
    auto job = std::make_shared<CallbackJob>();
    job->url = callback_url;
    job->headers.Set("Content-Type", "application/x-www-form-urlencoded");
    job->headers.Set("X-Twilio-Signature",
                     channels::twilio_sms::ComputeSignature(auth_token, callback_url, params));
    for (const auto& [name, value] : params) {
      job->body += (job->body.empty() ? "" : "&") + http::EncodeFormComponent(name) + "=" +
                   http::EncodeFormComponent(value);
    }
    job->description = "twilio " + record.message_id + " " + status;
    job->seq = record.seq;
    job->delivery_status = status;
    return job;
  };
  auto sent = make_job("sent");
  auto delivered = make_job("delivered");
  sent->then = [this, delivered, delay] { PostCallback(delivered, 1, delay); };
  PostCallback(sent, 1, delay);
}

}  // namespace mobilelink::tools
