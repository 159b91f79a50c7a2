#pragma once

// A mergeable quantile sketch with a relative-error guarantee, after DDSketch (Masson, Rim and
// Lee, VLDB 2019). Values are whole milliseconds. Bucket i contains the values in (gamma^(i-1),
// gamma^i] with gamma = (1 + a) / (1 - a) and a = 0.01, and reports 2 gamma^i / (gamma + 1),
// which is within 1% of every value in the bucket. Zero has a bucket of its own. Two sketches
// merge by adding bucket counts, so rollups of hours sum to exactly the sketch of their day.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mobilelink::analytics {

class QuantileSketch final {
 public:
  /// The relative accuracy a of every quantile estimate.
  static constexpr double kRelativeAccuracy = 0.01;

  void Add(std::int64_t millis, std::int64_t count = 1);
  void Merge(const QuantileSketch& other);

  /// Returns the estimate of quantile `q` in [0, 1] in milliseconds, or 0 when empty.
  [[nodiscard]] double Quantile(double q) const;
  [[nodiscard]] std::int64_t Count() const { return count_; }
  [[nodiscard]] bool Empty() const { return count_ == 0; }
  /// Returns how many values are at most `millis`, counting a bucket that contains
  /// `millis` as below it. An estimate, within the bucket's 1% width.
  [[nodiscard]] std::int64_t CountAtMost(std::int64_t millis) const;

  /// Encodes as bytes: a varint entry count, then varint pairs of index delta (indexes ascend) and
  /// count. The zero bucket is index 0 (values of 0 ms), and real indexes are shifted by one.
  [[nodiscard]] std::string Encode() const;
  /// Decodes what Encode produced. Throws std::invalid_argument on malformed bytes.
  static QuantileSketch Decode(std::string_view bytes);

  /// Sketches are equal when every bucket has the same count.
  bool operator==(const QuantileSketch& other) const;

 private:
  // Dense counts of encoded indexes offset_ .. offset_ + counts_.size() - 1. Durations span a
  // few hundred buckets at most, so a vector merges faster than a map.
  std::int32_t offset_ = 0;
  std::vector<std::int64_t> counts_;
  std::int64_t count_ = 0;

  std::int64_t& Slot(std::int32_t index);
};

}  // namespace mobilelink::analytics
