#include "mobilelink/analytics/sketch.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <climits>

#include "mobilelink/analytics/varint.hpp"

namespace mobilelink::analytics {

namespace {

const double kGamma =
    (1 + QuantileSketch::kRelativeAccuracy) / (1 - QuantileSketch::kRelativeAccuracy);
const double kLogGamma = std::log(kGamma);

// Index 0 is the zero bucket. Index k > 0 is bucket k - 1 of the logarithmic mapping, which
// starts at 1 ms: bucket 0 contains exactly 1 ms.
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

std::int64_t& QuantileSketch::Slot(std::int32_t index) {
  if (counts_.empty()) {
    offset_ = index;
    counts_.assign(1, 0);
  } else if (index < offset_) {
    counts_.insert(counts_.begin(), static_cast<std::size_t>(offset_ - index), 0);
    offset_ = index;
  } else if (index >= offset_ + static_cast<std::int32_t>(counts_.size())) {
    counts_.resize(static_cast<std::size_t>(index - offset_) + 1, 0);
  }
  return counts_[static_cast<std::size_t>(index - offset_)];
}

void QuantileSketch::Add(std::int64_t millis, std::int64_t count) {
  if (count <= 0) {
    return;
  }
  Slot(IndexOf(millis)) += count;
  count_ += count;
}

void QuantileSketch::Merge(const QuantileSketch& other) {
  if (other.counts_.empty()) {
    return;
  }
  // Widen once to cover both ranges, then add.
  Slot(other.offset_);
  Slot(other.offset_ + static_cast<std::int32_t>(other.counts_.size()) - 1);
  const std::size_t shift = static_cast<std::size_t>(other.offset_ - offset_);
  for (std::size_t i = 0; i < other.counts_.size(); ++i) {
    counts_[shift + i] += other.counts_[i];
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
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    seen += counts_[i];
    if (seen > rank) {
      return ValueOf(offset_ + static_cast<std::int32_t>(i));
    }
  }
  return ValueOf(offset_ + static_cast<std::int32_t>(counts_.size()) - 1);
}

std::int64_t QuantileSketch::CountAtMost(std::int64_t millis) const {
  const std::int32_t limit = IndexOf(millis);
  std::int64_t total = 0;
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    if (offset_ + static_cast<std::int32_t>(i) > limit) {
      break;
    }
    total += counts_[i];
  }
  return total;
}

bool QuantileSketch::operator==(const QuantileSketch& other) const {
  if (count_ != other.count_) {
    return false;
  }
  auto at = [](const QuantileSketch& sketch, std::int64_t index) -> std::int64_t {
    const std::int64_t slot = index - sketch.offset_;
    return slot >= 0 && slot < static_cast<std::int64_t>(sketch.counts_.size())
               ? sketch.counts_[static_cast<std::size_t>(slot)]
               : 0;
  };
  const std::int64_t low = std::min(offset_, other.offset_);
  const std::int64_t high =
      std::max(offset_ + static_cast<std::int64_t>(counts_.size()),
               other.offset_ + static_cast<std::int64_t>(other.counts_.size()));
  for (std::int64_t index = low; index < high; ++index) {
    if (at(*this, index) != at(other, index)) {
      return false;
    }
  }
  return true;
}

std::string QuantileSketch::Encode() const {
  std::string out;
  std::uint64_t entries = 0;
  for (const std::int64_t count : counts_) {
    entries += count != 0 ? 1 : 0;
  }
  PutVarint(out, entries);
  std::int64_t previous = 0;
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    if (counts_[i] == 0) {
      continue;
    }
    // Indexes ascend and the first is at least 0, so every delta is non-negative.
    const std::int64_t index = offset_ + static_cast<std::int64_t>(i);
    PutVarint(out, static_cast<std::uint64_t>(index - previous));
    PutVarint(out, static_cast<std::uint64_t>(counts_[i]));
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
  if (entries > bytes.size()) {
    throw std::invalid_argument("sketch entry count exceeds its bytes");
  }

  std::vector<std::pair<std::int32_t, std::int64_t>> buckets;
  buckets.reserve(entries);
  std::int64_t index = 0;
  for (std::uint64_t i = 0; i < entries; ++i) {
    index += static_cast<std::int64_t>(GetVarint(bytes, position));
    const auto count = static_cast<std::int64_t>(GetVarint(bytes, position));
    if (index > INT32_MAX || count <= 0) {
      throw std::invalid_argument("sketch bucket out of range");
    }
    buckets.emplace_back(static_cast<std::int32_t>(index), count);
  }

  if (!buckets.empty()) {
    // Size the dense range once: indexes ascend.
    sketch.offset_ = buckets.front().first;
    sketch.counts_.assign(static_cast<std::size_t>(buckets.back().first - sketch.offset_) + 1, 0);
    for (const auto& [bucket, count] : buckets) {
      sketch.counts_[static_cast<std::size_t>(bucket - sketch.offset_)] += count;
      sketch.count_ += count;
    }
  }
  if (position != bytes.size()) {
    throw std::invalid_argument("sketch bytes continue after the last bucket");
  }
  return sketch;
}

}  // namespace mobilelink::analytics
