#pragma once

// Fitting of an intent classifier's ensemble on calibration data: the softmax scale and C of
// each linear model, the member weights and the out-of-scope thresholds.

#include <string>
#include <vector>

#include "mobilelink/nlu/fasttext_model.hpp"
#include "mobilelink/nlu/intent_classifier.hpp"
#include "mobilelink/nlu/linear_model.hpp"
#include "mobilelink/tools/dataset.hpp"

namespace mobilelink::nlu {

/// Returns softmax(scale * scores).
std::vector<float> Softmax(const std::vector<float>& scores, float scale);

/// Returns `probabilities` raised to `power` and renormalized to sum to 1, or unchanged when
/// power is 1 or all are 0.
std::vector<float> Sharpen(std::vector<float> probabilities, float power);

/// Returns the mean of the models' probabilities for a line of normalized tokens.
std::vector<float> AverageFastText(const std::vector<FastTextModel>& models,
                                   const std::string& line);

/// Returns every weight vector of `members` non-negative weights that sum to 1, in steps of
/// 1 / steps, in lexicographic order.
std::vector<std::vector<float>> WeightGrid(int members, int steps);

class Calibration {
 public:
  /// Completes `classifier`, whose fastText models are trained: keeps one of the candidates of
  /// each linear member (candidates[member][i] was trained with costs[i]) and sets the scales,
  /// weights and thresholds, fitted on `calibration` as options.ensemble_fit says.
  static void Run(IntentClassifier& classifier,
                  std::vector<std::vector<LinearModel>> candidates,
                  const std::vector<double>& costs,
                  const std::vector<tools::Utterance>& calibration,
                  const TrainingOptions& options);
};

}  // namespace mobilelink::nlu
