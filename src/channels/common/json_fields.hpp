#pragma once

// Tolerant readers for provider JSON: a missing or mistyped field reads as empty instead of
// throwing, so that the adapter decides which fields are required and names them in its error.

#include <optional>
#include <string>
#include <string_view>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

namespace mobilelink::channels::common {

/// Deepest nesting of arrays and objects that ParseJsonBody accepts. Provider payloads nest
/// about ten levels, and a bound keeps a hostile body from costing memory per level.
inline constexpr std::size_t kMaxJsonDepth = 32;

/// The top-level object of a JSON body, or the reason there is none.
struct JsonBody {
  std::optional<boost::json::object> object;
  // Set when `object` is empty: invalid UTF-8 or invalid JSON (with the byte offset), a value
  // that ends early, nesting too deep, or a top level that is not an object.
  std::string error;
};

/// Parses `body`, nested at most kMaxJsonDepth levels, and returns its top-level object or why
/// it has none. Never throws on bad input.
[[nodiscard]] JsonBody ParseJsonBody(std::string_view body);

/// Parses `body` and returns its top-level object, or nullopt when ParseJsonBody finds none.
[[nodiscard]] std::optional<boost::json::object> ParseJsonObject(std::string_view body);

/// Returns the field as text: strings as they are, integers in decimal, other numbers in the
/// shortest decimal form that reads back the same ("38.9"), anything else empty.
[[nodiscard]] std::string JsonText(const boost::json::object& object, std::string_view key);

/// Returns the field when it is an object, or nullptr.
[[nodiscard]] const boost::json::object* JsonObject(const boost::json::object& object,
                                                    std::string_view key);

/// Returns the field when it is an array, or nullptr.
[[nodiscard]] const boost::json::array* JsonArray(const boost::json::object& object,
                                                  std::string_view key);

}  // namespace mobilelink::channels::common
