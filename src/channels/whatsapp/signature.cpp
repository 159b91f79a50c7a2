#include "mobilelink/channels/whatsapp/signature.hpp"

#include "mobilelink/channels/common/hmac.hpp"

namespace mobilelink::channels::whatsapp {
namespace {

constexpr std::string_view kPrefix = "sha256=";

}  // namespace

std::string ComputeSignature(std::string_view app_secret, std::string_view body) {
  return std::string(kPrefix) + common::HexEncode(common::HmacSha256(app_secret, body));
}

bool VerifySignature(std::string_view app_secret, std::string_view body, std::string_view header) {
  if (app_secret.empty() || header.substr(0, kPrefix.size()) != kPrefix) {
    return false;
  }
  std::string candidate(header.substr(kPrefix.size()));
  for (char& c : candidate) {
    if (c >= 'A' && c <= 'F') {
      c = static_cast<char>(c - 'A' + 'a');
    }
  }
  std::string expected = common::HexEncode(common::HmacSha256(app_secret, body));
  return common::ConstantTimeEquals(expected, candidate);
}

}  // namespace mobilelink::channels::whatsapp
