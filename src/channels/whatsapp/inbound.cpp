// Reading WhatsApp Cloud API notifications into normalized messages and status updates. Each
// Meta JSON key appears once here, as Meta spells it.
// https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages
// (Meta, messages webhook reference)
//
// One POST may batch several entries, changes, messages and statuses. A change for another
// phone_number_id than the inbox's is skipped, because one app may serve several numbers.
// Message types that the core cannot show (reactions, orders, system notices) are skipped too;
// a notification that leaves nothing gets 200 as ignored, so that Meta does not retry.

#include <array>
#include <charconv>
#include <string>

#include "mobilelink/channels/common/json_fields.hpp"
#include "mobilelink/channels/common/phone.hpp"
#include "mobilelink/channels/common/webhook.hpp"
#include "mobilelink/channels/whatsapp/internal.hpp"
#include "mobilelink/channels/whatsapp/wire.hpp"

namespace mobilelink::channels::whatsapp {
namespace json = boost::json;
namespace {

constexpr std::string_view kWhatsAppObject = "whatsapp_business_account";
constexpr std::string_view kMediaUrlScheme = "whatsapp-media:";
constexpr std::array<std::string_view, 5> kMediaTypes = {"image", "video", "audio", "document",
                                                         "sticker"};

struct StatusMapping {
  std::string_view whatsapp_status;
  core::DeliveryStatus status;
};

// Meta's statuses and ours. Others ("deleted", "warning") are skipped.
constexpr std::array<StatusMapping, 4> kStatusTable = {{
    {"sent", core::DeliveryStatus::kSent},
    {"delivered", core::DeliveryStatus::kDelivered},
    {"read", core::DeliveryStatus::kRead},
    {"failed", core::DeliveryStatus::kFailed},
}};

// The normalized result of one notification, or the first reason it is malformed.
struct Collected {
  std::vector<core::InboundMessage> messages;
  std::vector<core::StatusUpdate> statuses;
  std::string malformed;        // Empty while nothing is malformed.
  std::string malformed_field;  // JSON path of the offending value, e.g. "entry[0].changes".
  std::size_t skipped = 0;
};

// Records the first malformed value: its JSON path and what is wrong with it.
void SetMalformed(Collected& out, std::string field, std::string_view cause) {
  out.malformed = field + " " + std::string(cause);
  out.malformed_field = std::move(field);
}

bool IsMediaType(std::string_view type) {
  for (std::string_view media_type : kMediaTypes) {
    if (media_type == type) {
      return true;
    }
  }
  return false;
}

std::optional<core::TimePoint> ParseUnixSeconds(std::string_view text) {
  long long seconds = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) {
    return std::nullopt;
  }
  return core::TimePoint(std::chrono::seconds(seconds));
}

WhatsAppMessage ReadMessage(const json::object& item) {
  WhatsAppMessage message;
  message.from = common::JsonText(item, "from");
  message.id = common::JsonText(item, "id");
  message.timestamp = common::JsonText(item, "timestamp");
  message.type = common::JsonText(item, "type");
  if (const json::object* text = common::JsonObject(item, "text")) {
    const json::value* body = text->if_contains("body");
    message.text_body_is_string = body != nullptr && body->is_string();
    message.text_body = common::JsonText(*text, "body");
  }
  if (const json::object* media =
          IsMediaType(message.type) ? common::JsonObject(item, message.type) : nullptr) {
    message.media = {common::JsonText(*media, "id"), common::JsonText(*media, "mime_type"),
                     common::JsonText(*media, "sha256"), common::JsonText(*media, "caption"),
                     common::JsonText(*media, "filename")};
  }
  if (const json::object* interactive = common::JsonObject(item, "interactive")) {
    message.interactive_type = common::JsonText(*interactive, "type");
    const json::object* reply = common::JsonObject(*interactive, message.interactive_type);
    if (reply != nullptr) {
      message.interactive_reply = {common::JsonText(*reply, "id"),
                                   common::JsonText(*reply, "title"),
                                   common::JsonText(*reply, "description")};
    }
  }
  if (const json::object* button = common::JsonObject(item, "button")) {
    message.button_payload = common::JsonText(*button, "payload");
    message.button_text = common::JsonText(*button, "text");
  }
  if (const json::object* location = common::JsonObject(item, "location")) {
    message.location_latitude = common::JsonText(*location, "latitude");
    message.location_longitude = common::JsonText(*location, "longitude");
  }
  return message;
}

WhatsAppStatus ReadStatus(const json::object& item) {
  WhatsAppStatus status;
  status.id = common::JsonText(item, "id");
  status.status = common::JsonText(item, "status");
  status.timestamp = common::JsonText(item, "timestamp");
  status.recipient_id = common::JsonText(item, "recipient_id");
  status.biz_opaque_callback_data = common::JsonText(item, "biz_opaque_callback_data");
  if (const json::array* errors = common::JsonArray(item, "errors")) {
    for (const json::value& error : *errors) {
      if (!error.is_object()) {
        continue;
      }
      const json::object& fields = error.get_object();
      const json::object* data = common::JsonObject(fields, "error_data");
      status.errors.push_back({common::JsonText(fields, "code"), common::JsonText(fields, "title"),
                               common::JsonText(fields, "message"),
                               data ? common::JsonText(*data, "details") : std::string()});
    }
  }
  return status;
}

WhatsAppChangeValue ReadChangeValue(const json::object& value) {
  WhatsAppChangeValue change;
  change.messaging_product = common::JsonText(value, "messaging_product");
  if (const json::object* metadata = common::JsonObject(value, "metadata")) {
    change.display_phone_number = common::JsonText(*metadata, "display_phone_number");
    change.phone_number_id = common::JsonText(*metadata, "phone_number_id");
  }
  if (const json::array* contacts = common::JsonArray(value, "contacts")) {
    for (const json::value& item : *contacts) {
      if (!item.is_object()) {
        continue;
      }
      const json::object* profile = common::JsonObject(item.get_object(), "profile");
      change.contacts.push_back({common::JsonText(item.get_object(), "wa_id"),
                                 profile ? common::JsonText(*profile, "name") : std::string()});
    }
  }
  if (const json::array* messages = common::JsonArray(value, "messages")) {
    for (const json::value& item : *messages) {
      change.messages.push_back(item.is_object() ? ReadMessage(item.get_object())
                                                 : WhatsAppMessage{});
    }
  }
  if (const json::array* statuses = common::JsonArray(value, "statuses")) {
    for (const json::value& item : *statuses) {
      change.statuses.push_back(item.is_object() ? ReadStatus(item.get_object())
                                                 : WhatsAppStatus{});
    }
  }
  return change;
}

// Fills the text, media and reply id from the typed sub-object. Returns false for a type that
// carries nothing the core can show.
bool FillContent(const WhatsAppMessage& source, core::InboundMessage& message) {
  if (source.type == "text") {
    message.text = source.text_body;
    return true;
  }
  if (IsMediaType(source.type)) {
    message.media.push_back(
        {std::string(kMediaUrlScheme) + source.media.id, source.media.mime_type});
    message.text = source.media.caption;
    return !source.media.id.empty();
  }
  if (source.type == "interactive") {
    message.text = source.interactive_reply.title;
    message.reply_id = source.interactive_reply.id;
    return !source.interactive_reply.id.empty();
  }
  if (source.type == "button") {
    message.text = source.button_text;
    message.reply_id = source.button_payload;
    return true;
  }
  if (source.type == "location") {
    message.text = source.location_latitude + "," + source.location_longitude;
    return !source.location_latitude.empty() && !source.location_longitude.empty();
  }
  return false;
}

void CollectMessages(const InboxConfig& inbox, const WhatsAppChangeValue& change,
                     const std::string& path, Collected& out) {
  for (std::size_t i = 0; i < change.messages.size() && out.malformed.empty(); ++i) {
    const WhatsAppMessage& source = change.messages[i];
    std::string item = path + ".messages[" + std::to_string(i) + "]";
    if (source.id.empty()) {
      SetMalformed(out, item + ".id", "is missing");
      return;
    }
    auto from = common::NormalizeWhatsAppId(source.from);
    if (!from) {
      SetMalformed(out, item + ".from", "is not a WhatsApp id of international digits");
      return;
    }
    if (source.type == "text" && !source.text_body_is_string) {
      SetMalformed(out, item + ".text.body", "is missing or not a string");
      return;
    }
    core::InboundMessage message;
    if (!FillContent(source, message)) {
      ++out.skipped;
      continue;
    }
    message.inbox_id = inbox.id;
    message.provider_message_id = source.id;
    message.from = {core::IdentityKind::kPhone, *from, ""};
    message.sent_at = ParseUnixSeconds(source.timestamp);
    for (const WhatsAppContact& contact : change.contacts) {
      if (contact.wa_id == source.from) {
        message.profile_name = contact.profile_name;
      }
    }
    out.messages.push_back(std::move(message));
  }
}

void CollectStatuses(const InboxConfig& inbox, const WhatsAppChangeValue& change,
                     const std::string& path, Collected& out) {
  for (std::size_t i = 0; i < change.statuses.size() && out.malformed.empty(); ++i) {
    const WhatsAppStatus& source = change.statuses[i];
    if (source.id.empty()) {
      SetMalformed(out, path + ".statuses[" + std::to_string(i) + "].id", "is missing");
      return;
    }
    const StatusMapping* mapping = nullptr;
    for (const StatusMapping& candidate : kStatusTable) {
      if (candidate.whatsapp_status == source.status) {
        mapping = &candidate;
      }
    }
    if (mapping == nullptr) {
      ++out.skipped;
      continue;
    }
    core::StatusUpdate update;
    update.inbox_id = inbox.id;
    update.provider_message_id = source.id;
    update.status = mapping->status;
    update.occurred_at = ParseUnixSeconds(source.timestamp);
    update.callback_data = source.biz_opaque_callback_data;
    update.recipient = source.recipient_id;
    if (!source.errors.empty()) {
      const WhatsAppError& error = source.errors.front();
      update.error_code = error.code;
      update.error_message = error.title;
      if (!error.details.empty()) {
        update.error_message += ": " + error.details;
      }
    }
    out.statuses.push_back(std::move(update));
  }
}

void CollectEntry(const InboxConfig& inbox, const json::object& entry, const std::string& path,
                  Collected& out) {
  const json::array* changes = common::JsonArray(entry, "changes");
  if (changes == nullptr) {
    SetMalformed(out, path + ".changes", "is missing or not an array");
    return;
  }
  for (std::size_t i = 0; i < changes->size() && out.malformed.empty(); ++i) {
    std::string change_path = path + ".changes[" + std::to_string(i) + "]";
    const json::object* change = (*changes)[i].if_object();
    if (change != nullptr && common::JsonText(*change, "field") != "messages") {
      ++out.skipped;
      continue;
    }
    const json::object* value = change ? common::JsonObject(*change, "value") : nullptr;
    if (value == nullptr) {
      SetMalformed(out, change_path + ".value", "is missing or not an object");
      return;
    }
    WhatsAppChangeValue change_value = ReadChangeValue(*value);
    if (change_value.phone_number_id != inbox.Get(kPhoneNumberId)) {
      ++out.skipped;
      continue;
    }
    CollectMessages(inbox, change_value, change_path + ".value", out);
    CollectStatuses(inbox, change_value, change_path + ".value", out);
  }
}

}  // namespace

ParsedWebhook ParseNotification(const InboxConfig& inbox, std::string_view body) {
  common::JsonBody parsed_body = common::ParseJsonBody(body);
  if (!parsed_body.object) {
    return common::RejectWebhook(WebhookOutcome::kMalformed, std::move(parsed_body.error), "body");
  }
  const json::object* root = &*parsed_body.object;
  std::string object = common::JsonText(*root, "object");
  if (object != kWhatsAppObject) {
    return common::RejectWebhook(WebhookOutcome::kIgnored,
                                 "object is not whatsapp_business_account", "object");
  }
  const json::array* entries = common::JsonArray(*root, "entry");
  if (entries == nullptr) {
    return common::RejectWebhook(WebhookOutcome::kMalformed, "entry is missing or not an array",
                                 "entry");
  }

  Collected collected;
  for (std::size_t i = 0; i < entries->size() && collected.malformed.empty(); ++i) {
    std::string path = "entry[" + std::to_string(i) + "]";
    const json::object* entry = (*entries)[i].if_object();
    if (entry == nullptr) {
      SetMalformed(collected, path, "is not an object");
      break;
    }
    CollectEntry(inbox, *entry, path, collected);
  }
  if (!collected.malformed.empty()) {
    return common::RejectWebhook(WebhookOutcome::kMalformed, std::move(collected.malformed),
                                 collected.malformed_field);
  }
  if (collected.messages.empty() && collected.statuses.empty()) {
    return common::RejectWebhook(
        WebhookOutcome::kIgnored,
        "no message or status for this inbox: " + std::to_string(collected.skipped) +
            " item(s) of other numbers, fields, message types or statuses skipped");
  }

  ParsedWebhook parsed;
  parsed.outcome = WebhookOutcome::kAccepted;
  parsed.messages = std::move(collected.messages);
  parsed.statuses = std::move(collected.statuses);
  parsed.response = common::MakeResponse(200, "text/plain; charset=utf-8", "");
  return parsed;
}

}  // namespace mobilelink::channels::whatsapp
