#include "mobilelink/channels/common/form.hpp"

#include "mobilelink/http/types.hpp"

namespace mobilelink::channels::common {
namespace {

bool IsUnreserved(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '*';
}

}  // namespace

std::optional<std::string> DecodeFormComponent(std::string_view text) {
  return http::DecodeFormComponent(text);
}

std::optional<FormPairs> ParseForm(std::string_view text) { return http::ParseForm(text); }

std::string EncodeFormComponent(std::string_view text) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (IsUnreserved(c)) {
      out.push_back(static_cast<char>(c));
    } else if (c == ' ') {
      out.push_back('+');
    } else {
      out.push_back('%');
      out.push_back(kDigits[c >> 4]);
      out.push_back(kDigits[c & 0x0f]);
    }
  }
  return out;
}

std::string EncodeForm(const FormPairs& pairs) {
  std::string out;
  for (const auto& [name, value] : pairs) {
    if (!out.empty()) {
      out.push_back('&');
    }
    out += EncodeFormComponent(name);
    out.push_back('=');
    out += EncodeFormComponent(value);
  }
  return out;
}

const std::string* FindFormValue(const FormPairs& pairs, std::string_view name) {
  for (const auto& [key, value] : pairs) {
    if (key == name) {
      return &value;
    }
  }
  return nullptr;
}

}  // namespace mobilelink::channels::common
