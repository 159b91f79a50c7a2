#include "mobilelink/channels/registry.hpp"

#include "mobilelink/channels/twilio_sms/adapter.hpp"
#include "mobilelink/channels/whatsapp/adapter.hpp"

namespace mobilelink::channels {

const std::vector<const ChannelAdapter*>& AllAdapters() {
  // Function-local statics: built on first use, thread safe, and never destroyed while a
  // detached worker may still use them.
  static const auto* const kTwilioSms = new twilio_sms::TwilioSmsAdapter();
  static const auto* const kWhatsApp = new whatsapp::WhatsAppAdapter();
  static const auto* const kAdapters = new std::vector<const ChannelAdapter*>{
      kTwilioSms, kWhatsApp,
      // The web chat adapter goes here, after the HTTP-delivered channels.
  };
  return *kAdapters;
}

const ChannelAdapter* FindAdapter(std::string_view channel) {
  for (const ChannelAdapter* adapter : AllAdapters()) {
    if (adapter->Channel() == channel) {
      return adapter;
    }
  }
  return nullptr;
}

}  // namespace mobilelink::channels
