#include "mobilelink/analytics/sketch.hpp"

#include <algorithm>
#include <climits>
#include <cmath>
#include <stdexcept>

#include "mobilelink/analytics/varint.hpp"

namespace mobilelink::analytics {

namespace {

const double kGamma = (1 + QuantileSketch::kRelativeAccuracy) /
                      (1 - QuantileSketch::kRelativeAccuracy);
const double kLogGamma = std::log(kGamma);

// Index 0 is the zero bucket; index k > 0 is bucket k - 1 of the logarithmic mapping, which
// starts at 1 ms (bucket 0 holds exactly 1 ms).
std::int32_t IndexOf(std::int64_t millis) {
  if (millis <= 0) {
    return 0;
  }
  return static_cast<std::int32_t>(std::ceil(std::log(static_cast<double>(millis)) / kLogGamma)) +
         1;
}

double ValueOf(std::int32_t index) {
  if (index == 0) {
    return 0;
  }
  return 2 * std::pow(kGamma, index - 1) / (kGamma + 1);
}

}  // namespace

void QuantileSketch::Add(std::int64_t millis, std::int64_t count) {
  if (count <= 0) {
    return;
  }
  buckets_[IndexOf(millis)] += count;
  count_ += count;
}

void QuantileSketch::Merge(const QuantileSketch& other) {
  for (const auto& [index, count] : other.buckets_) {
    buckets_[index] += count;
  }
  count_ += other.count_;
}

double QuantileSketch::Quantile(double q) const {
  if (count_ == 0) {
    return 0;
  }
  q = std::clamp(q, 0.0, 1.0);
  // The value of rank floor(q * (n - 1)), counting from 0, as DDSketch defines it.
  const auto rank = static_cast<std::int64_t>(q * static_cast<double>(count_ - 1));
  std::int64_t seen = 0;
  for (const auto& [index, count] : buckets_) {
    seen += count;
    if (seen > rank) {
      return ValueOf(index);
    }
  }
  return ValueOf(buckets_.rbegin()->first);
}

std::int64_t QuantileSketch::CountAtMost(std::int64_t millis) const {
  const std::int32_t limit = IndexOf(millis);
  std::int64_t total = 0;
  for (const auto& [index, count] : buckets_) {
    if (index > limit) {
      break;
    }
    total += count;
  }
  return total;
}

std::string QuantileSketch::Encode() const {
  std::string out;
  PutVarint(out, buckets_.size());
  std::int64_t previous = 0;
  for (const auto& [index, count] : buckets_) {
    // Indexes ascend, so each delta is positive after the first, which is at least 0.
    PutVarint(out, static_cast<std::uint64_t>(index - previous));
    PutVarint(out, static_cast<std::uint64_t>(count));
    previous = index;
  }
  return out;
}

QuantileSketch QuantileSketch::Decode(std::string_view bytes) {
  QuantileSketch sketch;
  if (bytes.empty()) {
    return sketch;
  }
  std::size_t position = 0;
  const std::uint64_t entries = GetVarint(bytes, position);
  std::int64_t index = 0;
  for (std::uint64_t i = 0; i < entries; ++i) {
    index += static_cast<std::int64_t>(GetVarint(bytes, position));
    const auto count = static_cast<std::int64_t>(GetVarint(bytes, position));
    if (index > INT32_MAX || count <= 0) {
      throw std::invalid_argument("sketch bucket out of range");
    }
    sketch.buckets_[static_cast<std::int32_t>(index)] += count;
    sketch.count_ += count;
  }
  if (position != bytes.size()) {
    throw std::invalid_argument("sketch bytes continue after the last bucket");
  }
  return sketch;
}

}  // namespace mobilelink::analytics
