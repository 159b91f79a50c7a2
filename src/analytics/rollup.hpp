#pragma once

// Rollup rows: additive counters and quantile sketches per time bucket and dimension set.
// Every fact is filed under 24 grouping sets (kGroupings), so a report with at most one filter
// dimension besides channel and priority, or with two of inbox, team and intent, broken down by
// channel or priority, reads a few small rows per bucket. The set
// "all" rolls every dimension up, "agent+priority" keeps only those two, and so on, and "full"
// keeps all six. A rolled-up dimension is "*".

#include <array>
#include <compare>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "mobilelink/analytics/sketch.hpp"

namespace mobilelink::analytics {

enum class Granularity { kHour, kDay };

std::string_view ToString(Granularity granularity);

/// The values a fact is filed under. An empty value means none (no team, no agent yet).
struct Dimensions {
  std::string channel;
  std::string inbox;
  std::string team;
  std::string agent;  // Agent id in decimal.
  std::string intent;
  std::string priority;
  auto operator<=>(const Dimensions&) const = default;
};

inline constexpr std::string_view kRolledUp = "*";

/// The dimensions by name, as API filters and grouping sets name them. Bit i of a grouping
/// set's mask keeps dimension i.
inline constexpr std::array<std::pair<std::string_view, std::string Dimensions::*>, 6>
    kDimensionFields = {{
        {"channel", &Dimensions::channel},
        {"inbox", &Dimensions::inbox},
        {"team", &Dimensions::team},
        {"agent", &Dimensions::agent},
        {"intent", &Dimensions::intent},
        {"priority", &Dimensions::priority},
    }};

/// A grouping set: the dimensions its rows keep, the others rolled up to "*".
struct GroupingSet {
  std::string_view name;
  unsigned mask = 0;
};

/// The stored grouping sets, smallest first. Besides each single dimension, each dimension is
/// paired with channel and with priority, and kept with both, because reports break every
/// filtered view down by those two. The pairs of inbox, team and intent are kept with both too,
/// because those dimensions have few values, so an index on one of them still leaves many full
/// rows to read. Other filters on two or more of inbox, team, agent and intent read "full",
/// through the indexes of migration 0010 (docs/kpis.md).
inline constexpr std::array<GroupingSet, 24> kGroupings = {{
    {"all", 0},
    {"channel", 1},
    {"inbox", 2},
    {"team", 4},
    {"agent", 8},
    {"intent", 16},
    {"priority", 32},
    {"channel+priority", 1 | 32},
    {"inbox+channel", 2 | 1},
    {"inbox+priority", 2 | 32},
    {"team+channel", 4 | 1},
    {"team+priority", 4 | 32},
    {"agent+channel", 8 | 1},
    {"agent+priority", 8 | 32},
    {"intent+channel", 16 | 1},
    {"intent+priority", 16 | 32},
    {"inbox+channel+priority", 2 | 1 | 32},
    {"team+channel+priority", 4 | 1 | 32},
    {"agent+channel+priority", 8 | 1 | 32},
    {"intent+channel+priority", 16 | 1 | 32},
    {"inbox+team+channel+priority", 2 | 4 | 1 | 32},
    {"inbox+intent+channel+priority", 2 | 16 | 1 | 32},
    {"team+intent+channel+priority", 4 | 16 | 1 | 32},
    {"full", 63},
}};

/// Returns `dims` with every dimension outside `mask` replaced by "*".
Dimensions RollUp(const Dimensions& dims, unsigned mask);

/// Returns the smallest grouping set that keeps every dimension in `needed`.
const GroupingSet& GroupingFor(unsigned needed);

struct RollupKey {
  Granularity granularity = Granularity::kDay;
  /// Hour: the UTC millisecond the local hour began. Day: the local date.
  std::int64_t bucket = 0;
  std::string grouping;
  Dimensions dims;
  auto operator<=>(const RollupKey&) const = default;
};

/// Additive counters. The order is stored, so new counters go at the end only.
enum class Counter : int {
  kMessagesIn,
  kMessagesOut,
  kSegmentsOut,
  kAgentMessages,
  kBotMessages,
  kConversationsCreated,
  kConversationsReopened,
  kHandoffs,
  kEscalations,
  kFirstResponses,
  kFirstResponseMillis,
  kFirstResponsesWithinTarget,
  kResponses,
  kResponseMillis,
  kResolved,
  kContained,
  kReopenedAfterResolution,
  kHandled,
  kHandleMillis,
  kCsatResponses,
  kCsatSatisfied,
  kNpsResponses,
  kNpsPromoters,
  kNpsDetractors,
  kSlaBreaches,
  kBotAnswered,
  kBotMissed,
  kFlowsCompleted,
  kProviderFeeMicros,  // Provider fees in millionths of the currency, priced when folded.
  kCount,
};

inline constexpr int kCounterCount = static_cast<int>(Counter::kCount);

/// Returns the snake_case name of a counter, as the API and `verify` print it.
std::string_view ToString(Counter counter);

struct RollupValues {
  std::array<std::int64_t, kCounterCount> counters{};
  QuantileSketch first_response;  // First response times, ms.
  QuantileSketch response;        // Every agent response time, ms.
  QuantileSketch handle;          // Handle times of agent-handled resolutions, ms.
  /// Counts by label: "handoff:<reason>", "escalation:<reason>", "sla_breach:<metric>".
  std::map<std::string, std::int64_t> labels;

  std::int64_t& operator[](Counter counter) { return counters[static_cast<int>(counter)]; }
  std::int64_t operator[](Counter counter) const { return counters[static_cast<int>(counter)]; }
  void Merge(const RollupValues& other);
  bool operator==(const RollupValues&) const = default;
};

using RollupMap = std::map<RollupKey, RollupValues>;

/// Encodes counters as a varint count followed by one zigzag varint per counter.
std::string EncodeCounters(const std::array<std::int64_t, kCounterCount>& counters);
std::array<std::int64_t, kCounterCount> DecodeCounters(std::string_view bytes);
std::string EncodeLabels(const std::map<std::string, std::int64_t>& labels);
std::map<std::string, std::int64_t> DecodeLabels(std::string_view json);

}  // namespace mobilelink::analytics
