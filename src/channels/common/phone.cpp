#include "mobilelink/channels/common/phone.hpp"

#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>

namespace mobilelink::channels::common {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

std::optional<std::string> NormalizePhone(std::string_view raw, std::string_view default_region) {
  // libphonenumber rejects inputs over 250 characters itself; the bound here keeps a hostile
  // value from being copied at all.
  if (raw.empty() || raw.size() > 64) {
    return std::nullopt;
  }
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  PhoneNumber number;
  PhoneNumberUtil::ErrorType error =
      util.Parse(std::string(raw), std::string(default_region), &number);
  if (error != PhoneNumberUtil::NO_PARSING_ERROR) {
    return std::nullopt;
  }
  if (!util.IsPossibleNumber(number)) {
    return std::nullopt;
  }
  std::string formatted;
  util.Format(number, PhoneNumberUtil::E164, &formatted);
  return formatted;
}

std::optional<std::string> NormalizeWhatsAppId(std::string_view wa_id) {
  if (wa_id.empty()) {
    return std::nullopt;
  }
  for (char c : wa_id) {
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
  }
  return NormalizePhone("+" + std::string(wa_id), "ZZ");
}

}  // namespace mobilelink::channels::common
