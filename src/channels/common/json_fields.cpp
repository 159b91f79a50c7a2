#include "mobilelink/channels/common/json_fields.hpp"

#include <charconv>

#include <boost/json/error.hpp>
#include <boost/json/parse.hpp>

namespace mobilelink::channels::common {

JsonBody ParseJsonBody(std::string_view body) {
  boost::json::parse_options options;
  options.max_depth = kMaxJsonDepth;
  boost::system::error_code error;
  boost::json::value value = boost::json::parse(body, error, {}, options);
  JsonBody result;
  if (error == boost::json::error::too_deep) {
    result.error = "request body nests JSON deeper than " + std::to_string(kMaxJsonDepth) +
                   " levels";
  } else if (error) {
    result.error = "request body is not valid JSON: " + error.message();
  } else if (!value.is_object()) {
    result.error = "request body is valid JSON but its top level is not an object";
  } else {
    result.object = std::move(value.get_object());
  }
  return result;
}

std::optional<boost::json::object> ParseJsonObject(std::string_view body) {
  return ParseJsonBody(body).object;
}

std::string JsonText(const boost::json::object& object, std::string_view key) {
  const boost::json::value* value = object.if_contains(key);
  if (value == nullptr) {
    return {};
  }
  if (value->is_string()) {
    return std::string(value->get_string());
  }
  if (value->is_int64()) {
    return std::to_string(value->get_int64());
  }
  if (value->is_uint64()) {
    return std::to_string(value->get_uint64());
  }
  if (value->is_double()) {
    char buffer[32];
    auto [end, error] = std::to_chars(buffer, buffer + sizeof(buffer), value->get_double());
    return error == std::errc() ? std::string(buffer, end) : std::string();
  }
  return {};
}

const boost::json::object* JsonObject(const boost::json::object& object, std::string_view key) {
  const boost::json::value* value = object.if_contains(key);
  return value != nullptr && value->is_object() ? &value->get_object() : nullptr;
}

const boost::json::array* JsonArray(const boost::json::object& object, std::string_view key) {
  const boost::json::value* value = object.if_contains(key);
  return value != nullptr && value->is_array() ? &value->get_array() : nullptr;
}

}  // namespace mobilelink::channels::common
