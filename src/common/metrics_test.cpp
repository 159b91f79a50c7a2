#include "mobilelink/common/metrics.hpp"

#include <stdexcept>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace mobilelink {
namespace {

TEST(Metrics, RendersCounterWithHelpAndType) {
  Metrics metrics;
  metrics.GetCounter("mobilelink_test_total", "Things counted.", {{"outcome", "ok"}}).Increment(2);

  EXPECT_EQ(metrics.Render(),
            "# HELP mobilelink_test_total Things counted.\n"
            "# TYPE mobilelink_test_total counter\n"
            "mobilelink_test_total{outcome=\"ok\"} 2\n");
}

TEST(Metrics, ReturnsSameSeriesForSameLabels) {
  Metrics metrics;
  Counter& first = metrics.GetCounter("c_total", "help", {{"a", "1"}});
  Counter& second = metrics.GetCounter("c_total", "help", {{"a", "1"}});
  Counter& other = metrics.GetCounter("c_total", "help", {{"a", "2"}});

  EXPECT_EQ(&first, &second);
  EXPECT_NE(&first, &other);
}

TEST(Metrics, EscapesLabelValuesAndHelp) {
  Metrics metrics;
  metrics.GetGauge("g", "line one\nback\\slash", {{"path", "a\"b\\c\nd"}}).Set(-1.5);

  EXPECT_EQ(metrics.Render(),
            "# HELP g line one\\nback\\\\slash\n"
            "# TYPE g gauge\n"
            "g{path=\"a\\\"b\\\\c\\nd\"} -1.5\n");
}

TEST(Metrics, RendersHistogramBuckets) {
  Metrics metrics;
  Histogram& histogram =
      metrics.GetHistogram("latency_seconds", "Latency.", {0.1, 1}, {{"route", "x"}});
  histogram.Observe(0.05);
  histogram.Observe(0.1);
  histogram.Observe(0.5);
  histogram.Observe(3);

  EXPECT_EQ(metrics.Render(),
            "# HELP latency_seconds Latency.\n"
            "# TYPE latency_seconds histogram\n"
            "latency_seconds_bucket{route=\"x\",le=\"0.1\"} 2\n"
            "latency_seconds_bucket{route=\"x\",le=\"1\"} 3\n"
            "latency_seconds_bucket{route=\"x\",le=\"+Inf\"} 4\n"
            "latency_seconds_sum{route=\"x\"} 3.65\n"
            "latency_seconds_count{route=\"x\"} 4\n");
}

TEST(Metrics, RendersUnlabelledHistogram) {
  Metrics metrics;
  metrics.GetHistogram("h", "H.", {1}).Observe(2);

  std::string text = metrics.Render();

  EXPECT_NE(text.find("h_bucket{le=\"1\"} 0\n"), std::string::npos);
  EXPECT_NE(text.find("h_bucket{le=\"+Inf\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("h_sum 2\n"), std::string::npos);
  EXPECT_NE(text.find("h_count 1\n"), std::string::npos);
}

TEST(Metrics, RejectsInvalidNames) {
  Metrics metrics;

  EXPECT_THROW(metrics.GetCounter("1bad", "h"), std::invalid_argument);
  EXPECT_THROW(metrics.GetCounter("bad-name", "h"), std::invalid_argument);
  EXPECT_THROW(metrics.GetCounter("ok_total", "h", {{"bad label", "v"}}), std::invalid_argument);
  EXPECT_THROW(metrics.GetHistogram("h", "h", {1}, {{"le", "1"}}), std::invalid_argument);
}

TEST(Metrics, RejectsTypeConflict) {
  Metrics metrics;
  metrics.GetCounter("x_total", "h");

  EXPECT_THROW(metrics.GetGauge("x_total", "h"), std::logic_error);
}

TEST(Metrics, CounterIgnoresNegativeAmount) {
  Counter counter;
  counter.Increment(3);
  counter.Increment(-1);

  EXPECT_EQ(counter.Value(), 3);
}

TEST(Metrics, CountsConcurrentIncrements) {
  Metrics metrics;
  Counter& counter = metrics.GetCounter("concurrent_total", "h");
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) {
        counter.Increment();
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }

  EXPECT_EQ(counter.Value(), 40000);
}

TEST(Metrics, SortsFamiliesByName) {
  Metrics metrics;
  metrics.GetGauge("b_gauge", "B.");
  metrics.GetGauge("a_gauge", "A.");

  std::string text = metrics.Render();

  EXPECT_LT(text.find("a_gauge"), text.find("b_gauge"));
}

}  // namespace
}  // namespace mobilelink
