// TODO: Delete this file once src/http/types.cpp lands. It defines the Headers members that
// channel adapters and their tests call, as weak symbols, so the channel tests link before the
// HTTP layer exists; the real definitions override them when both are linked.

#include <strings.h>

#include "mobilelink/http/types.hpp"

namespace mobilelink::http {

__attribute__((weak)) std::optional<std::string> Headers::Get(std::string_view name) const {
  for (const auto& [key, value] : lines_) {
    if (key.size() == name.size() && strncasecmp(key.data(), name.data(), key.size()) == 0) {
      return value;
    }
  }
  return std::nullopt;
}

__attribute__((weak)) void Headers::Add(std::string name, std::string value) {
  lines_.emplace_back(std::move(name), std::move(value));
}

__attribute__((weak)) void Headers::Set(std::string name, std::string value) {
  std::erase_if(lines_, [&](const auto& line) {
    return line.first.size() == name.size() &&
           strncasecmp(line.first.data(), name.data(), name.size()) == 0;
  });
  lines_.emplace_back(std::move(name), std::move(value));
}

}  // namespace mobilelink::http
