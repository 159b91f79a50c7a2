#pragma once

// A small Prometheus registry: counters, gauges and fixed-bucket histograms with labels,
// rendered in the text exposition format 0.0.4. Registration takes a lock; updates through a
// returned reference are lock-free, so hot paths look a metric up once and keep the reference.

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mobilelink {

/// Label names and values of one series, in the order given at registration.
using MetricLabels = std::vector<std::pair<std::string, std::string>>;

/// A monotonically increasing value.
class Counter final {
 public:
  /// Adds `amount`, which must not be negative; a negative amount is ignored.
  void Increment(double amount = 1.0);
  [[nodiscard]] double Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

/// A value that goes up and down.
class Gauge final {
 public:
  void Set(double value) { value_.store(value, std::memory_order_relaxed); }
  void Add(double amount) { value_.fetch_add(amount, std::memory_order_relaxed); }
  [[nodiscard]] double Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

/// Counts observations into buckets with fixed upper bounds, plus their sum.
class Histogram final {
 public:
  /// Takes the upper bounds in increasing order, without +Inf, which is always added.
  explicit Histogram(std::vector<double> upper_bounds);
  void Observe(double value);

  [[nodiscard]] const std::vector<double>& UpperBounds() const { return upper_bounds_; }
  /// Returns the cumulative count of each bucket; the last entry is the +Inf bucket.
  [[nodiscard]] std::vector<std::uint64_t> CumulativeCounts() const;
  [[nodiscard]] double Sum() const { return sum_.load(std::memory_order_relaxed); }

 private:
  std::vector<double> upper_bounds_;
  // One slot per bound plus one for +Inf; each counts only its own bucket.
  std::unique_ptr<std::atomic<std::uint64_t>[]> bucket_counts_;
  std::atomic<double> sum_{0.0};
};

/// Bucket bounds in seconds for request latencies, from 5 ms to 10 s.
std::vector<double> DefaultLatencyBuckets();

/// The registry. Thread safe. Metrics live as long as the registry, so returned references
/// stay valid.
class Metrics final {
 public:
  Metrics();
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  /// Returns the counter series of `name` with `labels`, creating the family and series on
  /// first use. Throws std::invalid_argument for an invalid metric or label name and
  /// std::logic_error when `name` is already registered as another type.
  Counter& GetCounter(std::string_view name, std::string_view help,
                      const MetricLabels& labels = {});
  Gauge& GetGauge(std::string_view name, std::string_view help, const MetricLabels& labels = {});
  /// As GetCounter. Every series of one family uses the bounds given when the family was
  /// first registered.
  Histogram& GetHistogram(std::string_view name, std::string_view help,
                          std::vector<double> upper_bounds, const MetricLabels& labels = {});

  /// Renders every family in the Prometheus text format 0.0.4, families sorted by name.
  [[nodiscard]] std::string Render() const;

 private:
  struct Family;
  Family& FindOrCreateFamily(std::string_view name, std::string_view help, int type);

  mutable std::mutex mutex_;
  std::map<std::string, std::unique_ptr<Family>, std::less<>> families_;
};

/// Returns the process-wide registry that /metrics renders.
Metrics& GlobalMetrics();

/// Escapes a label value for the text format: backslash, double quote and newline.
std::string EscapeLabelValue(std::string_view value);

}  // namespace mobilelink
