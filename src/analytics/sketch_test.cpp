#include "mobilelink/analytics/sketch.hpp"

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include <gtest/gtest.h>

namespace mobilelink::analytics {
namespace {

TEST(QuantileSketch, EmptyReturnsZero) {
  const QuantileSketch sketch;
  EXPECT_EQ(sketch.Count(), 0);
  EXPECT_EQ(sketch.Quantile(0.5), 0.0);
}

TEST(QuantileSketch, QuantilesWithinRelativeAccuracy) {
  std::mt19937_64 random(42);
  std::lognormal_distribution<double> durations(10.0, 2.0);  // Median about 22 s.
  std::vector<std::int64_t> values;
  QuantileSketch sketch;
  for (int i = 0; i < 20000; ++i) {
    const auto millis = static_cast<std::int64_t>(durations(random)) + 1;
    values.push_back(millis);
    sketch.Add(millis);
  }
  std::sort(values.begin(), values.end());
  for (const double q : {0.0, 0.5, 0.9, 0.95, 0.99, 1.0}) {
    const auto rank = static_cast<std::size_t>(q * static_cast<double>(values.size() - 1));
    const double exact = static_cast<double>(values[rank]);
    EXPECT_NEAR(sketch.Quantile(q), exact, exact * QuantileSketch::kRelativeAccuracy)
        << "quantile " << q;
  }
}

TEST(QuantileSketch, ZeroHasItsOwnBucket) {
  QuantileSketch sketch;
  sketch.Add(0, 3);
  sketch.Add(1000);
  EXPECT_EQ(sketch.Quantile(0.5), 0.0);
  EXPECT_NEAR(sketch.Quantile(1.0), 1000.0, 10.0);
}

TEST(QuantileSketch, MergeEqualsAddingAll) {
  QuantileSketch left;
  QuantileSketch right;
  QuantileSketch both;
  for (std::int64_t value = 1; value < 5000; value += 7) {
    (value % 2 == 0 ? left : right).Add(value);
    both.Add(value);
  }
  left.Merge(right);
  EXPECT_EQ(left, both);
  EXPECT_EQ(left.Count(), both.Count());
}

TEST(QuantileSketch, EncodeRoundTrips) {
  QuantileSketch sketch;
  sketch.Add(0);
  sketch.Add(59'000, 4);
  sketch.Add(86'400'000);
  EXPECT_EQ(QuantileSketch::Decode(sketch.Encode()), sketch);
  EXPECT_EQ(QuantileSketch::Decode(QuantileSketch().Encode()), QuantileSketch());
}

TEST(QuantileSketch, DecodeRejectsTruncatedBytes) {
  QuantileSketch sketch;
  sketch.Add(1234, 5);
  const std::string bytes = sketch.Encode();
  EXPECT_THROW(QuantileSketch::Decode(bytes.substr(0, bytes.size() - 1)), std::invalid_argument);
}

TEST(QuantileSketch, CountAtMostSplitsAtBucket) {
  QuantileSketch sketch;
  sketch.Add(30'000, 2);
  sketch.Add(120'000, 3);
  EXPECT_EQ(sketch.CountAtMost(60'000), 2);
  EXPECT_EQ(sketch.CountAtMost(1'000'000), 5);
}

}  // namespace
}  // namespace mobilelink::analytics
