#include "mobilelink/channels/common/json_fields.hpp"

#include <charconv>

#include <boost/json/error.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/stream_parser.hpp>

#include "mobilelink/core/text.hpp"

namespace mobilelink::channels::common {

JsonBody ParseJsonBody(std::string_view body) {
  JsonBody result;
  if (const auto invalid = core::FindInvalidUtf8(body)) {
    result.error = "request body is not valid UTF-8 at byte " + std::to_string(*invalid);
    return result;
  }
  boost::json::parse_options options;
  options.max_depth = kMaxJsonDepth;
  boost::json::stream_parser parser({}, options);
  boost::system::error_code error;
  const std::size_t consumed = parser.write(body.data(), body.size(), error);
  if (!error) {
    parser.finish(error);
    if (error) {
      result.error = "request body ends before its JSON value is complete";
      return result;
    }
  }
  if (error == boost::json::error::too_deep) {
    result.error = "request body nests JSON deeper than " + std::to_string(kMaxJsonDepth) +
                   " levels";
  } else if (error) {
    result.error = "request body is not valid JSON at byte " + std::to_string(consumed) + ": " +
                   error.message();
  } else {
    boost::json::value value = parser.release();
    if (!value.is_object()) {
      result.error = "request body is valid JSON but its top level is not an object";
    } else {
      result.object = std::move(value.get_object());
    }
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
