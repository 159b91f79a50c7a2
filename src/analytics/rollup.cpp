#include "mobilelink/analytics/rollup.hpp"

#include <stdexcept>

#include <boost/json.hpp>

#include "mobilelink/analytics/varint.hpp"

namespace mobilelink::analytics {

namespace {

constexpr std::array<std::string_view, kCounterCount> kCounterNames = {
    "messages_in",
    "messages_out",
    "segments_out",
    "agent_messages",
    "bot_messages",
    "conversations_created",
    "conversations_reopened",
    "handoffs",
    "escalations",
    "first_responses",
    "first_response_ms",
    "first_responses_within_target",
    "responses",
    "response_ms",
    "resolved",
    "contained",
    "reopened_after_resolution",
    "handled",
    "handle_ms",
    "csat_responses",
    "csat_satisfied",
    "nps_responses",
    "nps_promoters",
    "nps_detractors",
    "sla_breaches",
    "bot_answered",
    "bot_missed",
    "flows_completed",
    "provider_fee_micros",
};

}  // namespace

std::string_view ToString(Granularity granularity) {
  return granularity == Granularity::kHour ? "hour" : "day";
}

std::string_view ToString(Counter counter) { return kCounterNames[static_cast<int>(counter)]; }

Dimensions RollUp(const Dimensions& dims, unsigned mask) {
  const std::string all(kRolledUp);
  Dimensions rolled{all, all, all, all, all, all};
  for (std::size_t i = 0; i < kDimensionFields.size(); ++i) {
    if ((mask & (1u << i)) != 0) {
      const auto field = kDimensionFields[i].second;
      rolled.*field = dims.*field;
    }
  }
  return rolled;
}

const GroupingSet& GroupingFor(unsigned needed) {
  for (const GroupingSet& set : kGroupings) {
    if ((set.mask & needed) == needed) {
      return set;
    }
  }
  return kGroupings.back();
}

void RollupValues::Merge(const RollupValues& other) {
  for (int i = 0; i < kCounterCount; ++i) {
    counters[i] += other.counters[i];
  }
  first_response.Merge(other.first_response);
  response.Merge(other.response);
  handle.Merge(other.handle);
  for (const auto& [label, count] : other.labels) {
    labels[label] += count;
  }
}

std::string EncodeCounters(const std::array<std::int64_t, kCounterCount>& counters) {
  std::string out;
  PutVarint(out, kCounterCount);
  for (const std::int64_t value : counters) {
    PutVarint(out,
              (static_cast<std::uint64_t>(value) << 1) ^ static_cast<std::uint64_t>(value >> 63));
  }
  return out;
}

std::array<std::int64_t, kCounterCount> DecodeCounters(std::string_view bytes) {
  std::array<std::int64_t, kCounterCount> counters{};
  if (bytes.empty()) {
    return counters;
  }
  std::size_t position = 0;
  const std::uint64_t stored = GetVarint(bytes, position);
  if (stored > static_cast<std::uint64_t>(kCounterCount)) {
    throw std::invalid_argument("rollup row has more counters than this version knows");
  }
  // Rows written before a counter was added have fewer entries; the rest stay 0.
  for (std::uint64_t i = 0; i < stored; ++i) {
    const std::uint64_t zigzag = GetVarint(bytes, position);
    counters[i] = static_cast<std::int64_t>(zigzag >> 1) ^ -static_cast<std::int64_t>(zigzag & 1);
  }
  return counters;
}

std::string EncodeLabels(const std::map<std::string, std::int64_t>& labels) {
  boost::json::object object;
  for (const auto& [label, count] : labels) {
    object[label] = count;
  }
  return boost::json::serialize(object);
}

std::map<std::string, std::int64_t> DecodeLabels(std::string_view json) {
  std::map<std::string, std::int64_t> labels;
  if (json.empty() || json == "{}") {
    return labels;
  }
  const boost::json::value parsed = boost::json::parse(json);
  for (const auto& [label, count] : parsed.as_object()) {
    labels[std::string(label)] = count.to_number<std::int64_t>();
  }
  return labels;
}

}  // namespace mobilelink::analytics
