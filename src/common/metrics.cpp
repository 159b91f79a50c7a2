#include "mobilelink/common/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

namespace mobilelink {
namespace {

enum MetricType { kCounterType, kGaugeType, kHistogramType };

constexpr const char* TypeName(int type) {
  switch (type) {
    case kCounterType:
      return "counter";
    case kGaugeType:
      return "gauge";
    default:
      return "histogram";
  }
}

bool IsValidName(std::string_view name, bool allow_colon) {
  if (name.empty()) {
    return false;
  }
  for (std::size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    bool digit = c >= '0' && c <= '9';
    if (!(letter || (digit && i > 0) || (allow_colon && c == ':'))) {
      return false;
    }
  }
  return true;
}

// Prometheus writes non-finite values as +Inf, -Inf and NaN.
std::string FormatValue(double value) {
  if (std::isnan(value)) {
    return "NaN";
  }
  if (std::isinf(value)) {
    return value > 0 ? "+Inf" : "-Inf";
  }
  return fmt::format("{}", value);
}

std::string EscapeHelp(std::string_view help) {
  std::string escaped;
  escaped.reserve(help.size());
  for (char c : help) {
    if (c == '\\') {
      escaped += "\\\\";
    } else if (c == '\n') {
      escaped += "\\n";
    } else {
      escaped += c;
    }
  }
  return escaped;
}

// Renders labels as `a="x",b="y"` (no braces), so a histogram can append its `le` label.
std::string RenderLabelPairs(const MetricLabels& labels) {
  std::string text;
  for (const auto& [name, value] : labels) {
    if (!IsValidName(name, false) || name.starts_with("__")) {
      throw std::invalid_argument(fmt::format("invalid metric label name \"{}\"", name));
    }
    if (!text.empty()) {
      text += ',';
    }
    text += fmt::format("{}=\"{}\"", name, EscapeLabelValue(value));
  }
  return text;
}

std::string Braced(const std::string& pairs) { return pairs.empty() ? "" : "{" + pairs + "}"; }

}  // namespace

struct Metrics::Family {
  int type = kCounterType;
  std::string help;
  std::vector<double> upper_bounds;
  // Keyed by the rendered label pairs, which also sorts the series in the output.
  std::map<std::string, std::unique_ptr<Counter>, std::less<>> counters;
  std::map<std::string, std::unique_ptr<Gauge>, std::less<>> gauges;
  std::map<std::string, std::unique_ptr<Histogram>, std::less<>> histograms;
};

void Counter::Increment(double amount) {
  if (amount < 0) {
    return;
  }
  value_.fetch_add(amount, std::memory_order_relaxed);
}

Histogram::Histogram(std::vector<double> upper_bounds)
    : upper_bounds_(std::move(upper_bounds)),
      bucket_counts_(new std::atomic<std::uint64_t>[upper_bounds_.size() + 1]) {
  if (!std::is_sorted(upper_bounds_.begin(), upper_bounds_.end()) ||
      std::adjacent_find(upper_bounds_.begin(), upper_bounds_.end()) != upper_bounds_.end()) {
    throw std::invalid_argument("histogram upper bounds must be strictly increasing");
  }
  for (std::size_t i = 0; i <= upper_bounds_.size(); ++i) {
    bucket_counts_[i].store(0, std::memory_order_relaxed);
  }
}

void Histogram::Observe(double value) {
  // A bucket counts values less than or equal to its bound, as `le` means.
  auto bucket = std::lower_bound(upper_bounds_.begin(), upper_bounds_.end(), value);
  bucket_counts_[bucket - upper_bounds_.begin()].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(value, std::memory_order_relaxed);
}

std::vector<std::uint64_t> Histogram::CumulativeCounts() const {
  std::vector<std::uint64_t> counts(upper_bounds_.size() + 1);
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < counts.size(); ++i) {
    total += bucket_counts_[i].load(std::memory_order_relaxed);
    counts[i] = total;
  }
  return counts;
}

std::vector<double> DefaultLatencyBuckets() {
  return {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

std::string EscapeLabelValue(std::string_view value) {
  std::string escaped;
  escaped.reserve(value.size());
  for (char c : value) {
    if (c == '\\') {
      escaped += "\\\\";
    } else if (c == '"') {
      escaped += "\\\"";
    } else if (c == '\n') {
      escaped += "\\n";
    } else {
      escaped += c;
    }
  }
  return escaped;
}

Metrics::Metrics() = default;
Metrics::~Metrics() = default;

Metrics::Family& Metrics::FindOrCreateFamily(std::string_view name, std::string_view help,
                                             int type) {
  if (!IsValidName(name, true)) {
    throw std::invalid_argument(fmt::format("invalid metric name \"{}\"", name));
  }
  auto found = families_.find(name);
  if (found == families_.end()) {
    auto family = std::make_unique<Family>();
    family->type = type;
    family->help = std::string(help);
    found = families_.emplace(std::string(name), std::move(family)).first;
  }
  if (found->second->type != type) {
    throw std::logic_error(fmt::format("metric \"{}\" is already registered as a {}", name,
                                       TypeName(found->second->type)));
  }
  return *found->second;
}

Counter& Metrics::GetCounter(std::string_view name, std::string_view help,
                             const MetricLabels& labels) {
  std::string key = RenderLabelPairs(labels);
  std::lock_guard lock(mutex_);
  Family& family = FindOrCreateFamily(name, help, kCounterType);
  auto& series = family.counters[key];
  if (!series) {
    series = std::make_unique<Counter>();
  }
  return *series;
}

Gauge& Metrics::GetGauge(std::string_view name, std::string_view help, const MetricLabels& labels) {
  std::string key = RenderLabelPairs(labels);
  std::lock_guard lock(mutex_);
  Family& family = FindOrCreateFamily(name, help, kGaugeType);
  auto& series = family.gauges[key];
  if (!series) {
    series = std::make_unique<Gauge>();
  }
  return *series;
}

Histogram& Metrics::GetHistogram(std::string_view name, std::string_view help,
                                 std::vector<double> upper_bounds, const MetricLabels& labels) {
  std::string key = RenderLabelPairs(labels);
  for (const auto& [label, value] : labels) {
    if (label == "le") {
      throw std::invalid_argument("histogram label name \"le\" is reserved");
    }
  }
  std::lock_guard lock(mutex_);
  Family& family = FindOrCreateFamily(name, help, kHistogramType);
  if (family.histograms.empty() && family.upper_bounds.empty()) {
    family.upper_bounds = std::move(upper_bounds);
  }
  auto& series = family.histograms[key];
  if (!series) {
    series = std::make_unique<Histogram>(family.upper_bounds);
  }
  return *series;
}

std::string Metrics::Render() const {
  std::string out;
  std::lock_guard lock(mutex_);
  for (const auto& [name, family] : families_) {
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, EscapeHelp(family->help), name,
                       TypeName(family->type));
    for (const auto& [labels, counter] : family->counters) {
      out += fmt::format("{}{} {}\n", name, Braced(labels), FormatValue(counter->Value()));
    }
    for (const auto& [labels, gauge] : family->gauges) {
      out += fmt::format("{}{} {}\n", name, Braced(labels), FormatValue(gauge->Value()));
    }
    for (const auto& [labels, histogram] : family->histograms) {
      std::string prefix = labels.empty() ? "" : labels + ",";
      std::vector<std::uint64_t> counts = histogram->CumulativeCounts();
      const std::vector<double>& bounds = histogram->UpperBounds();
      for (std::size_t i = 0; i < counts.size(); ++i) {
        std::string le = i < bounds.size() ? FormatValue(bounds[i]) : "+Inf";
        out += fmt::format("{}_bucket{{{}le=\"{}\"}} {}\n", name, prefix, le, counts[i]);
      }
      // The count is the +Inf bucket, so the two always agree within one scrape.
      out += fmt::format("{}_sum{} {}\n", name, Braced(labels), FormatValue(histogram->Sum()));
      out += fmt::format("{}_count{} {}\n", name, Braced(labels), counts.back());
    }
  }
  return out;
}

Metrics& GlobalMetrics() {
  // Never destroyed, so threads still running at exit can update their metrics.
  static Metrics* metrics = new Metrics();
  return *metrics;
}

}  // namespace mobilelink
