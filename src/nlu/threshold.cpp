#include "mobilelink/nlu/threshold.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace mobilelink::nlu {

namespace {

// Thresholds sit just above a score, so that the example with that score is rejected.
constexpr float kAboveScore = 1e-6f;

double Objective(const std::vector<ScoredExample>& examples, int label_count,
                 int out_of_scope_label, float threshold, ThresholdObjective objective) {
  std::vector<int> true_positives(label_count, 0);
  std::vector<int> predicted(label_count, 0);
  std::vector<int> actual(label_count, 0);
  int correct = 0;
  for (const auto& example : examples) {
    const int answer = example.probability < threshold ? out_of_scope_label : example.predicted;
    predicted[answer] += 1;
    if (example.actual != ScoredExample::kNoLabel) {
      actual[example.actual] += 1;
      if (answer == example.actual) {
        true_positives[answer] += 1;
        correct += 1;
      }
    }
  }
  if (objective == ThresholdObjective::kAccuracy) {
    return static_cast<double>(correct);
  }
  double f1_sum = 0;
  int labels = 0;
  for (int label = 0; label < label_count; ++label) {
    if (actual[label] == 0) {
      continue;
    }
    labels += 1;
    if (true_positives[label] > 0) {
      f1_sum += 2.0 * true_positives[label] / (predicted[label] + actual[label]);
    }
  }
  return labels == 0 ? 0 : f1_sum / labels;
}

}  // namespace

ThresholdObjective ParseThresholdObjective(std::string_view name) {
  if (name == "accuracy") {
    return ThresholdObjective::kAccuracy;
  }
  if (name == "macro_f1") {
    return ThresholdObjective::kMacroF1;
  }
  throw std::invalid_argument("invalid threshold objective \"" + std::string(name) +
                              "\": expected accuracy or macro_f1");
}

float ChooseThreshold(const std::vector<ScoredExample>& examples, int label_count,
                      int out_of_scope_label, ThresholdObjective objective) {
  std::vector<float> candidates{0};
  for (const auto& example : examples) {
    candidates.push_back(example.probability + kAboveScore);
  }
  std::sort(candidates.begin(), candidates.end());
  candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
  float best_threshold = 0;
  double best_value = -1;
  for (float candidate : candidates) {
    const double value = Objective(examples, label_count, out_of_scope_label, candidate, objective);
    if (value > best_value) {
      best_value = value;
      best_threshold = candidate;
    }
  }
  return best_threshold;
}

}  // namespace mobilelink::nlu
