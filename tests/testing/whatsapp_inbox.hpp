#pragma once

// The WhatsApp inbox that outbox tests send through.

#include <string>

#include "mobilelink/channels/adapter.hpp"

namespace mobilelink::testing {

/// Returns WhatsApp inbox `wa` with test credentials, sending to `api_base_url`.
inline channels::InboxConfig WhatsAppTestInbox(const std::string& api_base_url) {
  return {"wa",
          "whatsapp",
          {{"phone_number_id", "100000000000001"},
           {"access_token", "token"},
           {"app_secret", "secret"},
           {"verify_token", "verify"},
           {"api_base_url", api_base_url}}};
}

}  // namespace mobilelink::testing
