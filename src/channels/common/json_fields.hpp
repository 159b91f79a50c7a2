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

/// Parses `body` and returns its top-level object, or nullopt when it is not valid JSON or not
/// an object. Reports a parse error through the return value, not an exception.
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
