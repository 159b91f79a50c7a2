#pragma once

// Twilio Programmable Messaging payloads, one member per provider parameter, named in
// snake_case. The parser in inbound.cpp spells each Twilio key once, as Twilio documents it.
// https://www.twilio.com/docs/messaging/guides/webhook-request (Twilio, inbound webhook)
// https://www.twilio.com/docs/messaging/guides/outbound-message-status-in-status-callbacks
// (Twilio, status callback)

#include <string>
#include <vector>

namespace mobilelink::channels::twilio_sms {

/// One MediaUrl{N} / MediaContentType{N} pair of an inbound MMS.
struct TwilioMediaItem {
  std::string media_url;
  std::string media_content_type;
};

/// The form Twilio posts for an inbound message.
struct TwilioInboundForm {
  std::string message_sid;
  std::string account_sid;
  std::string messaging_service_sid;
  std::string from;
  std::string to;
  std::string body;
  std::string num_media;  // Decimal "0".."10", kept as received.
  std::string num_segments;
  std::string profile_name;  // WhatsApp through Twilio only.
  std::string sms_status;
  std::vector<TwilioMediaItem> media;  // For N from 0 to NumMedia - 1, in order.
};

/// The form Twilio posts to a message's StatusCallback URL.
struct TwilioStatusForm {
  std::string message_sid;
  std::string account_sid;
  std::string from;
  std::string to;
  std::string message_status;
  std::string error_code;         // Only on failed and undelivered.
  std::string error_message;      // Sometimes present with error_code.
  std::string raw_dlr_done_date;  // Carrier "YYMMDDhhmm" without a time zone, not always sent.
};

/// The fields of a Message resource (JSON) that the adapter reads, in a create response or a
/// list page. https://www.twilio.com/docs/messaging/api/message-resource (Twilio, Message)
struct TwilioMessageResource {
  std::string sid;
  std::string status;
  std::string to;
  std::string from;
  std::string body;
  std::string date_created;  // RFC 2822: "Wed, 01 Jan 2025 12:00:00 +0000".
  std::string direction;
  std::string error_code;
  std::string error_message;
};

/// A Twilio REST error body.
struct TwilioRestError {
  std::string code;
  std::string message;
  std::string more_info;
};

}  // namespace mobilelink::channels::twilio_sms
