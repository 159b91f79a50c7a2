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

double ObjectiveAt(const std::vector<ScoredExample>& examples, int label_count,
                   int out_of_scope_label, float threshold, ThresholdObjective objective) {
  return Objective(examples, label_count, out_of_scope_label, threshold, objective);
}

namespace {

// Counts of one threshold's answers, updated as examples are rejected one at a time.
class Tally {
 public:
  Tally(const std::vector<ScoredExample>& examples, int label_count, ThresholdObjective objective)
      : objective_(objective),
        true_positives_(label_count, 0),
        predicted_(label_count, 0),
        actual_(label_count, 0) {
    for (const auto& example : examples) {
      predicted_[example.predicted] += 1;
      if (example.actual != ScoredExample::kNoLabel) {
        actual_[example.actual] += 1;
        if (example.predicted == example.actual) {
          true_positives_[example.actual] += 1;
          correct_ += 1;
        }
      }
    }
    for (int label = 0; label < label_count; ++label) {
      if (actual_[label] > 0) {
        labels_ += 1;
        f1_sum_ += F1(label);
      }
    }
  }

  // Changes one example's answer from its prediction to `out_of_scope_label`.
  void Reject(const ScoredExample& example, int out_of_scope_label) {
    if (example.predicted == out_of_scope_label) {
      return;
    }
    Change(example.predicted, -1, example.actual == example.predicted ? -1 : 0);
    Change(out_of_scope_label, 1, example.actual == out_of_scope_label ? 1 : 0);
  }

  [[nodiscard]] double Value() const {
    if (objective_ == ThresholdObjective::kAccuracy) {
      return static_cast<double>(correct_);
    }
    return labels_ == 0 ? 0 : f1_sum_ / labels_;
  }

 private:
  [[nodiscard]] double F1(int label) const {
    return true_positives_[label] > 0
               ? 2.0 * true_positives_[label] / (predicted_[label] + actual_[label])
               : 0.0;
  }

  void Change(int label, int predicted_delta, int true_positive_delta) {
    if (actual_[label] > 0) {
      f1_sum_ -= F1(label);
    }
    predicted_[label] += predicted_delta;
    true_positives_[label] += true_positive_delta;
    correct_ += true_positive_delta;
    if (actual_[label] > 0) {
      f1_sum_ += F1(label);
    }
  }

  ThresholdObjective objective_;
  std::vector<int> true_positives_;
  std::vector<int> predicted_;
  std::vector<int> actual_;
  int correct_ = 0;
  int labels_ = 0;
  double f1_sum_ = 0;
};

// Values closer than this count as a tie; the running F1 sum drifts by rounding.
constexpr double kTieTolerance = 1e-12;

}  // namespace

ThresholdChoice ChooseThreshold(const std::vector<ScoredExample>& examples, int label_count,
                                int out_of_scope_label, ThresholdObjective objective) {
  if (examples.empty()) {
    return {};
  }
  std::vector<const ScoredExample*> sorted;
  sorted.reserve(examples.size());
  for (const auto& example : examples) {
    sorted.push_back(&example);
  }
  std::sort(sorted.begin(), sorted.end(), [](const ScoredExample* a, const ScoredExample* b) {
    return a->probability < b->probability;
  });
  Tally tally(examples, label_count, objective);
  ThresholdChoice best{0, tally.Value()};
  std::size_t rejected = 0;
  float previous = 0;
  for (const ScoredExample* candidate : sorted) {
    const float threshold = candidate->probability + kAboveScore;
    if (threshold <= previous) {
      continue;
    }
    previous = threshold;
    while (rejected < sorted.size() && sorted[rejected]->probability < threshold) {
      tally.Reject(*sorted[rejected], out_of_scope_label);
      rejected += 1;
    }
    if (tally.Value() > best.value + kTieTolerance) {
      best = {threshold, tally.Value()};
    }
  }
  return best;
}

}  // namespace mobilelink::nlu
