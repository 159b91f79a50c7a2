#pragma once

// WhatsApp Cloud API webhook payloads, one member per provider field, named as Meta names
// them. inbound.cpp spells each JSON key once, as Meta documents it.
// https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages
// (Meta, messages webhook reference)

#include <string>
#include <vector>

namespace mobilelink::channels::whatsapp {

/// `image`, `video`, `audio`, `document` or `sticker` of a message.
struct WhatsAppMediaObject {
  std::string id;  // Media id, downloaded through the Graph API.
  std::string mime_type;
  std::string sha256;
  std::string caption;
  std::string filename;
};

/// `interactive.button_reply` or `interactive.list_reply`.
struct WhatsAppInteractiveReply {
  std::string id;
  std::string title;
  std::string description;  // List replies only.
};

/// One `messages[]` item.
struct WhatsAppMessage {
  std::string from;       // wa_id: international digits without '+'.
  std::string id;         // "wamid...."
  std::string timestamp;  // Unix seconds as a string.
  std::string type;
  std::string text_body;         // `text.body`.
  bool text_body_is_string = false;  // False when `text.body` is absent or not a JSON string.
  WhatsAppMediaObject media;     // For the media types.
  std::string interactive_type;  // "button_reply" or "list_reply".
  WhatsAppInteractiveReply interactive_reply;
  std::string button_payload;     // `button.payload`, a template quick reply.
  std::string button_text;        // `button.text`.
  std::string location_latitude;  // `location.latitude`, as decimal text.
  std::string location_longitude;
};

/// One `errors[]` item of a status or a message.
struct WhatsAppError {
  std::string code;
  std::string title;
  std::string message;
  std::string details;  // `error_data.details`.
};

/// One `statuses[]` item.
struct WhatsAppStatus {
  std::string id;  // The wamid we sent.
  std::string status;
  std::string timestamp;
  std::string recipient_id;
  std::string biz_opaque_callback_data;  // Echo of the send's value; empty when it had none.
  std::vector<WhatsAppError> errors;
};

/// One `contacts[]` item.
struct WhatsAppContact {
  std::string wa_id;
  std::string profile_name;  // `profile.name`.
};

/// The `value` of one change with field "messages".
struct WhatsAppChangeValue {
  std::string messaging_product;
  std::string display_phone_number;  // `metadata.display_phone_number`.
  std::string phone_number_id;       // `metadata.phone_number_id`.
  std::vector<WhatsAppContact> contacts;
  std::vector<WhatsAppMessage> messages;
  std::vector<WhatsAppStatus> statuses;
};

}  // namespace mobilelink::channels::whatsapp
