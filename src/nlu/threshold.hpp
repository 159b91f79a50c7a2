#pragma once

// Choice of the out-of-scope threshold on calibration data.

#include <string_view>
#include <vector>

namespace mobilelink::nlu {

/// Quantity that the threshold maximizes on the calibration examples.
enum class ThresholdObjective {
  kAccuracy,  // Share of examples answered right, an out-of-scope answer included.
  kMacroF1,   // Mean F1 over labels, the out-of-scope label counting as one label.
};

/// Parses "accuracy" or "macro_f1". Throws std::invalid_argument otherwise.
ThresholdObjective ParseThresholdObjective(std::string_view name);

/// A calibration example as the model scored it. Labels are indices, and `kNoLabel` marks a
/// true label that the model does not know.
struct ScoredExample {
  static constexpr int kNoLabel = -1;
  int actual = kNoLabel;
  int predicted = 0;      // The model's top label, before the threshold.
  float probability = 0;  // The probability of `predicted`.
};

/// A threshold and the objective value that it reaches on the calibration examples: the count
/// of right answers for kAccuracy, the mean F1 for kMacroF1.
struct ThresholdChoice {
  float threshold = 0;
  double value = 0;
};

/// Returns the threshold that maximizes `objective` when every example whose top probability
/// is below it is answered with `out_of_scope_label`, or 0 for no examples. Ties go to the
/// lowest threshold, so no answer is dropped without a gain. Sorts once and updates the counts
/// example by example, so it takes O(n log n) time for n examples.
ThresholdChoice ChooseThreshold(const std::vector<ScoredExample>& examples, int label_count,
                                int out_of_scope_label, ThresholdObjective objective);

/// Returns the value of `objective` with `threshold` applied as ChooseThreshold applies it.
double ObjectiveAt(const std::vector<ScoredExample>& examples, int label_count,
                   int out_of_scope_label, float threshold, ThresholdObjective objective);

}  // namespace mobilelink::nlu
