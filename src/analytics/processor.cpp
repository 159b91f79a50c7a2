#include "mobilelink/analytics/processor.hpp"

#include <set>

namespace mobilelink::analytics {

namespace {

constexpr int kRecomputePage = 50'000;

// Lists the differences between two rollup values, prefixed with the key's description.
void Compare(const std::string& where, const RollupValues& stored, const RollupValues& computed,
             std::vector<std::string>& differences) {
  for (int i = 0; i < kCounterCount; ++i) {
    if (stored.counters[i] != computed.counters[i]) {
      differences.push_back(where + " " + std::string(ToString(static_cast<Counter>(i))) +
                            ": stored " + std::to_string(stored.counters[i]) + ", recomputed " +
                            std::to_string(computed.counters[i]));
    }
  }
  if (!(stored.first_response == computed.first_response)) {
    differences.push_back(where + " first response sketch differs");
  }
  if (!(stored.response == computed.response)) {
    differences.push_back(where + " response sketch differs");
  }
  if (!(stored.handle == computed.handle)) {
    differences.push_back(where + " handle time sketch differs");
  }
  if (stored.labels != computed.labels) {
    differences.push_back(where + " label counts differ");
  }
}

}  // namespace

std::string DescribeKey(const RollupKey& key) {
  const std::string bucket =
      key.granularity == Granularity::kDay ? FormatDate(key.bucket) : std::to_string(key.bucket);
  const auto& d = key.dims;
  return std::string(ToString(key.granularity)) + " " + bucket + " " + key.grouping + " " +
         d.channel + "|" + d.inbox + "|" + d.team + "|" + d.agent + "|" + d.intent + "|" +
         d.priority;
}

AnalyticsProcessor::AnalyticsProcessor(const AnalyticsSettings& settings, const TimeZone& zone,
                                       const WorkingTime& working_time)
    : settings_(settings), zone_(zone), fold_(settings, zone, working_time) {}

BatchResult AnalyticsProcessor::ProcessBatch(core::Repository& unit, int limit) const {
  auto analytics = OpenAnalyticsRepository(unit);
  BatchResult result;
  result.cursor = analytics->Cursor();
  const auto events = unit.ListEvents(result.cursor, limit);
  if (events.empty()) {
    return result;
  }

  std::set<std::int64_t> ids;
  for (const auto& event : events) {
    if (event.conversation_id) {
      ids.insert(*event.conversation_id);
    }
  }
  auto states = analytics->LoadStates({ids.begin(), ids.end()});
  RollupMap deltas;
  for (const auto& event : events) {
    if (event.conversation_id) {
      fold_.Apply(event, states[*event.conversation_id], deltas);
    }
  }

  for (const auto& [key, delta] : ExpandGroupings(deltas)) {
    RollupValues values = analytics->LoadRollup(key).value_or(RollupValues{});
    values.Merge(delta);
    analytics->SaveRollup(key, values);
    ++result.rows_written;
  }
  for (const auto& [id, state] : states) {
    analytics->SaveState(id, state);
  }
  result.events = static_cast<int>(events.size());
  result.cursor = events.back().id;
  analytics->SetCursor(result.cursor);
  return result;
}

RollupMap AnalyticsProcessor::Recompute(core::Repository& unit, std::int64_t last_event_id) const {
  std::map<std::int64_t, ConversationState> states;
  RollupMap deltas;
  std::int64_t after = 0;
  while (after < last_event_id) {
    const auto events = unit.ListEvents(after, kRecomputePage);
    if (events.empty()) {
      break;
    }
    for (const auto& event : events) {
      if (event.id > last_event_id) {
        break;
      }
      if (event.conversation_id) {
        fold_.Apply(event, states[*event.conversation_id], deltas);
      }
    }
    after = events.back().id;
  }
  return ExpandGroupings(deltas);
}

std::vector<std::string> AnalyticsProcessor::Verify(core::Repository& unit) const {
  auto analytics = OpenAnalyticsRepository(unit);
  const RollupMap computed = Recompute(unit, analytics->Cursor());
  std::vector<std::string> differences;
  std::set<RollupKey> seen;
  analytics->ForEachRollup([&](const RollupKey& key, const RollupValues& stored) {
    seen.insert(key);
    const auto found = computed.find(key);
    const RollupValues empty;
    Compare(DescribeKey(key), stored, found == computed.end() ? empty : found->second, differences);
  });
  for (const auto& [key, values] : computed) {
    if (!seen.contains(key)) {
      Compare(DescribeKey(key), RollupValues{}, values, differences);
    }
  }
  return differences;
}

}  // namespace mobilelink::analytics
