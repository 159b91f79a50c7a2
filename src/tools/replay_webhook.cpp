// Signed provider webhooks and synthetic customer numbers for the replay tool.

#include <algorithm>
#include <cmath>
#include <set>
#include <stdexcept>

#include <boost/json.hpp>
#include <fmt/format.h>
#include <phonenumbers/phonenumberutil.h>

#include "mobilelink/channels/common/form.hpp"
#include "mobilelink/channels/twilio_sms/signature.hpp"
#include "mobilelink/channels/whatsapp/signature.hpp"
#include "mobilelink/tools/replay_internal.hpp"

namespace mobilelink::tools {
namespace replay_internal {
namespace {

namespace json = boost::json;

// Returns 32 random lowercase hex digits.
std::string RandomHex32(std::mt19937_64& random) {
  return fmt::format("{:016x}{:016x}", random(), random());
}

std::string RequireSetting(const ToolInbox& inbox, std::string_view key) {
  auto value = inbox.Get(key);
  if (value.empty()) {
    throw std::runtime_error("inbox " + inbox.id + " has no " + std::string(key) +
                             " in the config; replay needs it to sign webhooks");
  }
  return value;
}

}  // namespace

std::string WebhookBuilder::SignatureHint() const {
  if (channel_ == "twilio_sms") {
    return "the server rejected every webhook with HTTP 403. replay signs each Twilio webhook "
           "for the URL " +
           signed_url_ +
           ", built from the inbox's public_url or else the config's server.public_url. That URL "
           "must equal the one the server is configured with (its server.public_url or the "
           "inbox's public_url), and auth_token must be the server's.";
  }
  return "the server rejected every webhook with HTTP 403. replay signs each WhatsApp webhook "
         "with the inbox's "
         "app_secret, which must equal the server's app_secret for inbox " +
         inbox_.id + ".";
}

WebhookBuilder::WebhookBuilder(const ReplayOptions& options, const ToolConfig& config,
                               const ToolInbox& inbox)
    : channel_(inbox.channel), inbox_(inbox), timeout_(options.timeout) {
  std::string base = options.url;
  while (!base.empty() && base.back() == '/') {
    base.pop_back();
  }
  if (channel_ == "twilio_sms") {
    const std::string path = "/webhooks/twilio/" + inbox.id;
    target_url_ = base + path;
    signed_url_ = inbox.Get("public_url");
    if (signed_url_.empty()) {
      signed_url_ = (config.public_url.empty() ? base : config.public_url) + path;
    }
    secret_ = RequireSetting(inbox, "auth_token");
    RequireSetting(inbox, "from");
  } else if (channel_ == "whatsapp") {
    target_url_ = base + "/webhooks/whatsapp/" + inbox.id;
    secret_ = RequireSetting(inbox, "app_secret");
    RequireSetting(inbox, "phone_number_id");
  } else {
    throw std::runtime_error("inbox " + inbox.id + " has channel '" + channel_ +
                             "'; replay supports twilio_sms and whatsapp");
  }
}

std::string WebhookBuilder::NewMessageId(std::mt19937_64& random) const {
  return channel_ == "whatsapp" ? "wamid.replay" + RandomHex32(random) : "SM" + RandomHex32(random);
}

http::ClientRequest WebhookBuilder::Build(const std::string& customer, const std::string& text,
                                          const std::string& message_id) const {
  return channel_ == "whatsapp" ? BuildWhatsApp(customer, text, message_id)
                                : BuildTwilio(customer, text, message_id);
}

http::ClientRequest WebhookBuilder::BuildTwilio(const std::string& customer,
                                                const std::string& text,
                                                const std::string& message_id) const {
  const channels::common::FormPairs params = {{"MessageSid", message_id},
                                              {"SmsMessageSid", message_id},
                                              {"SmsSid", message_id},
                                              {"AccountSid", inbox_.Get("account_sid")},
                                              {"From", customer},
                                              {"To", inbox_.Get("from")},
                                              {"Body", text},
                                              {"NumMedia", "0"},
                                              {"NumSegments", "1"},
                                              {"SmsStatus", "received"},
                                              {"ApiVersion", "2010-04-01"}};
  http::ClientRequest request;
  request.method = "POST";
  request.url = target_url_;
  request.timeout = timeout_;
  request.body = channels::common::EncodeForm(params);
  request.headers.Set("Content-Type", "application/x-www-form-urlencoded");
  request.headers.Set("X-Twilio-Signature",
                      channels::twilio_sms::ComputeSignature(secret_, signed_url_, params));
  request.headers.Set("I-Twilio-Idempotency-Token", message_id);
  return request;
}

http::ClientRequest WebhookBuilder::BuildWhatsApp(const std::string& customer,
                                                  const std::string& text,
                                                  const std::string& message_id) const {
  const std::string wa_id = customer.substr(customer.starts_with('+') ? 1 : 0);
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
  const std::string phone_number_id = inbox_.Get("phone_number_id");
  const std::string display = inbox_.Get("display_phone_number");
  json::object message{{"from", wa_id},
                       {"id", message_id},
                       {"timestamp", std::to_string(seconds)},
                       {"type", "text"},
                       {"text", json::object{{"body", text}}}};
  json::object value{
      {"messaging_product", "whatsapp"},
      {"metadata",
       json::object{{"display_phone_number", display.empty() ? phone_number_id : display},
                    {"phone_number_id", phone_number_id}}},
      {"contacts", json::array{json::object{{"profile", json::object{{"name", "Replay " + wa_id}}},
                                            {"wa_id", wa_id}}}},
      {"messages", json::array{message}}};
  json::object change{{"field", "messages"}, {"value", value}};
  json::object entry{
      {"id", inbox_.Get("business_account_id").empty() ? phone_number_id
                                                       : inbox_.Get("business_account_id")},
      {"changes", json::array{change}}};
  json::object payload{{"object", "whatsapp_business_account"}, {"entry", json::array{entry}}};

  http::ClientRequest request;
  request.method = "POST";
  request.url = target_url_;
  request.timeout = timeout_;
  request.body = json::serialize(payload);
  request.headers.Set("Content-Type", "application/json");
  request.headers.Set("X-Hub-Signature-256",
                      channels::whatsapp::ComputeSignature(secret_, request.body));
  return request;
}

double Percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) {
    return 0;
  }
  const auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * sorted.size()));
  return sorted[std::min(sorted.size(), std::max<std::size_t>(rank, 1)) - 1];
}

}  // namespace replay_internal

std::vector<std::string> GenerateCustomerNumbers(std::size_t count, std::uint64_t seed) {
  // 415 555-01xx style numbers are fictional and only 100 of them exist, so the numbers come
  // from the 415 area code's 5xx exchanges and are kept only when libphonenumber accepts them.
  static constexpr const char* kAreaCodes[] = {"415", "628", "650", "510", "408"};
  const auto& util = *i18n::phonenumbers::PhoneNumberUtil::GetInstance();
  std::mt19937_64 random(seed);
  std::uniform_int_distribution<int> digit(0, 9);
  std::set<std::string> seen;
  std::vector<std::string> numbers;
  const std::size_t max_attempts = count * 50 + 1000;
  for (std::size_t attempt = 0; numbers.size() < count && attempt < max_attempts; ++attempt) {
    // Moves to the next area code once this one has given its share of attempts.
    const char* area = kAreaCodes[std::min<std::size_t>(attempt * 5 / max_attempts, 4)];
    std::string number = std::string("+1") + area + "5";
    for (int i = 0; i < 6; ++i) {
      number += static_cast<char>('0' + digit(random));
    }
    i18n::phonenumbers::PhoneNumber parsed;
    if (util.Parse(number, "US", &parsed) !=
            i18n::phonenumbers::PhoneNumberUtil::NO_PARSING_ERROR ||
        !util.IsValidNumberForRegion(parsed, "US") || !seen.insert(number).second) {
      continue;
    }
    numbers.push_back(number);
  }
  if (numbers.size() < count) {
    throw std::runtime_error("could only generate " + std::to_string(numbers.size()) + " of " +
                             std::to_string(count) + " customer numbers");
  }
  return numbers;
}

}  // namespace mobilelink::tools
