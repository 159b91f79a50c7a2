// JSON form of a recorded send, shared by GET /_fake/messages and the state file.

#include <boost/json.hpp>

#include "mobilelink/tools/fake_provider_impl.hpp"

namespace mobilelink::tools {
namespace {

namespace json = boost::json;

json::array PairsToJson(const std::vector<std::pair<std::string, std::string>>& pairs) {
  json::array list;
  for (const auto& [name, value] : pairs) {
    list.push_back(json::array{json::string(name), json::string(value)});
  }
  return list;
}

std::vector<std::pair<std::string, std::string>> PairsFromJson(const json::value& value) {
  std::vector<std::pair<std::string, std::string>> pairs;
  for (const auto& item : value.as_array()) {
    const auto& pair = item.as_array();
    pairs.emplace_back(std::string(pair.at(0).as_string()), std::string(pair.at(1).as_string()));
  }
  return pairs;
}

std::string StringAt(const json::object& object, std::string_view key) {
  return std::string(object.at(key).as_string());
}

}  // namespace

json::object RecordToJson(const RecordedSend& record) {
  const auto received_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(record.received_at.time_since_epoch())
          .count();
  return {{"seq", record.seq},
          {"provider", record.provider},
          {"method", record.method},
          {"path", record.path},
          {"headers", PairsToJson(record.headers)},
          {"body", record.body},
          {"fields", PairsToJson(record.fields)},
          {"to", record.to},
          {"from", record.from},
          {"text", record.text},
          {"message_id", record.message_id},
          {"http_status", record.http_status},
          {"delivery_status", record.delivery_status},
          {"received_at", FormatRfc3339(record.received_at)},
          {"received_at_ms", received_ms}};
}

RecordedSend RecordFromJson(const json::value& value) {
  const auto& object = value.as_object();
  RecordedSend record;
  record.seq = object.at("seq").to_number<std::uint64_t>();
  record.provider = StringAt(object, "provider");
  record.method = StringAt(object, "method");
  record.path = StringAt(object, "path");
  record.headers = PairsFromJson(object.at("headers"));
  record.body = StringAt(object, "body");
  record.fields = PairsFromJson(object.at("fields"));
  record.to = StringAt(object, "to");
  record.from = StringAt(object, "from");
  record.text = StringAt(object, "text");
  record.message_id = StringAt(object, "message_id");
  record.http_status = object.at("http_status").to_number<int>();
  record.delivery_status = StringAt(object, "delivery_status");
  record.received_at = std::chrono::system_clock::time_point(
      std::chrono::milliseconds(object.at("received_at_ms").to_number<std::int64_t>()));
  return record;
}

}  // namespace mobilelink::tools
