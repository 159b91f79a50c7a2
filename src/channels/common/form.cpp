#include "mobilelink/channels/common/form.hpp"

namespace mobilelink::channels::common {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

bool IsUnreserved(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '*';
}

}  // namespace

std::optional<std::string> DecodeFormComponent(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '+') {
      out.push_back(' ');
      continue;
    }
    if (c != '%') {
      out.push_back(c);
      continue;
    }
    if (i + 2 >= text.size()) {
      return std::nullopt;
    }
    int high = HexValue(text[i + 1]);
    int low = HexValue(text[i + 2]);
    if (high < 0 || low < 0) {
      return std::nullopt;
    }
    out.push_back(static_cast<char>(high * 16 + low));
    i += 2;
  }
  return out;
}

std::optional<FormPairs> ParseForm(std::string_view text) {
  FormPairs pairs;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('&', start);
    if (end == std::string_view::npos) {
      end = text.size();
    }
    std::string_view segment = text.substr(start, end - start);
    start = end + 1;
    if (segment.empty()) {
      continue;
    }
    std::size_t equals = segment.find('=');
    std::string_view raw_name = segment.substr(0, equals);
    std::string_view raw_value =
        equals == std::string_view::npos ? std::string_view() : segment.substr(equals + 1);
    auto name = DecodeFormComponent(raw_name);
    auto value = DecodeFormComponent(raw_value);
    if (!name || !value) {
      return std::nullopt;
    }
    pairs.emplace_back(std::move(*name), std::move(*value));
  }
  return pairs;
}

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
