#include "mobilelink/nlu/evaluation.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <random>
#include <set>
#include <string>
#include <time.h>

#include "mobilelink/nlu/shuffle.hpp"

namespace mobilelink::nlu {

namespace {

constexpr std::size_t kCalibrationEvery = 10;

struct LabelCounts {
  std::size_t true_positives = 0;
  std::size_t predicted = 0;
  std::size_t actual = 0;
};

double Ratio(std::size_t numerator, std::size_t denominator) {
  return denominator == 0 ? 0.0 : static_cast<double>(numerator) / denominator;
}

double ThreadCpuMicroseconds() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) * 1e6 + static_cast<double>(now.tv_nsec) / 1e3;
}

double Percentile(std::vector<double> values, double fraction) {
  if (values.empty()) {
    return 0;
  }
  const auto rank = static_cast<std::size_t>(fraction * static_cast<double>(values.size() - 1));
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(rank),
                   values.end());
  return values[rank];
}

}  // namespace

EvaluationReport ScorePredictions(const std::vector<std::string>& expected,
                                  const std::vector<std::string>& predicted) {
  EvaluationReport report;
  report.examples = expected.size();
  std::map<std::string, LabelCounts> counts;
  std::size_t in_scope = 0;
  std::size_t in_scope_correct = 0;
  for (std::size_t i = 0; i < expected.size() && i < predicted.size(); ++i) {
    counts[expected[i]].actual += 1;
    counts[predicted[i]].predicted += 1;
    if (predicted[i] == expected[i]) {
      counts[expected[i]].true_positives += 1;
    }
    if (expected[i] != kOutOfScope) {
      in_scope += 1;
      in_scope_correct += predicted[i] == expected[i] ? 1 : 0;
    }
  }
  const LabelCounts& out_of_scope = counts[std::string(kOutOfScope)];
  report.in_scope_accuracy = Ratio(in_scope_correct, in_scope);
  report.oos_recall = Ratio(out_of_scope.true_positives, out_of_scope.actual);
  report.oos_precision = Ratio(out_of_scope.true_positives, out_of_scope.predicted);

  double f1_sum = 0;
  std::size_t labels = 0;
  for (const auto& [label, count] : counts) {
    if (count.actual == 0) {
      continue;
    }
    const double precision = Ratio(count.true_positives, count.predicted);
    const double recall = Ratio(count.true_positives, count.actual);
    f1_sum += precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0;
    labels += 1;
  }
  report.macro_f1 = labels == 0 ? 0 : f1_sum / static_cast<double>(labels);
  return report;
}

EvaluationReport Evaluate(const IntentClassifier& classifier,
                          const std::vector<tools::Utterance>& test) {
  std::vector<std::string> expected;
  std::vector<std::string> predicted;
  std::vector<double> latencies_us;
  std::vector<double> wall_latencies_us;
  for (const auto& example : test) {
    const double cpu_start = ThreadCpuMicroseconds();
    const auto wall_start = std::chrono::steady_clock::now();
    const Prediction prediction = classifier.Predict(example.text);
    const std::chrono::duration<double, std::micro> wall =
        std::chrono::steady_clock::now() - wall_start;
    latencies_us.push_back(ThreadCpuMicroseconds() - cpu_start);
    wall_latencies_us.push_back(wall.count());
    expected.push_back(example.label);
    predicted.push_back(prediction.intent);
  }
  EvaluationReport report = ScorePredictions(expected, predicted);
  report.p50_latency_us = Percentile(latencies_us, 0.50);
  report.p99_latency_us = Percentile(latencies_us, 0.99);
  report.p99_wall_latency_us = Percentile(wall_latencies_us, 0.99);
  return report;
}

std::pair<std::vector<tools::Utterance>, std::vector<tools::Utterance>> HoldOutCalibration(
    const std::vector<tools::Utterance>& examples, int seed) {
  std::vector<std::size_t> order(examples.size());
  for (std::size_t i = 0; i < order.size(); ++i) {
    order[i] = i;
  }
  std::mt19937 random(static_cast<std::mt19937::result_type>(seed));
  Shuffle(order, random);
  std::map<std::string, std::size_t> total;
  for (const auto& example : examples) {
    total[example.label] += 1;
  }
  std::map<std::string, std::size_t> seen;
  std::vector<bool> calibration(examples.size(), false);
  for (std::size_t index : order) {
    const auto& label = examples[index].label;
    const std::size_t position = seen[label]++;
    calibration[index] = total[label] >= 2 && position % kCalibrationEvery == 0;
  }
  std::pair<std::vector<tools::Utterance>, std::vector<tools::Utterance>> split;
  for (std::size_t i = 0; i < examples.size(); ++i) {
    (calibration[i] ? split.second : split.first).push_back(examples[i]);
  }
  return split;
}

}  // namespace mobilelink::nlu
