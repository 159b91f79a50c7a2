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

/// The raw outputs of an ensemble's members on a list of examples, one row per example.
struct MemberOutputs {
  // One vector of probabilities or scores per example.
  using Rows = std::vector<std::vector<float>>;

  Rows fasttext;  // Mean fastText probabilities; empty without fastText.
  // linear[member][i]: the scores of the linear member trained with the i-th candidate C.
  std::vector<std::vector<Rows>> linear;
  Rows neighbour;  // Scores; empty without the member.
  Rows embedding;  // Scores; empty without the member.

  /// Appends the rows of `other`, whose members are of the same kinds.
  void Append(MemberOutputs&& other);
};

class Calibration {
 public:
  /// Completes `classifier`, whose fastText models are trained: keeps one of the candidates of
  /// each linear member (candidates[member][i] was trained with costs[i]) and sets the scales,
  /// weights and thresholds, fitted on `calibration` as options.ensemble_fit selects. With no
  /// calibration examples: the first candidate, scales of 1, equal weights, no threshold.
  static void Run(IntentClassifier& classifier,
                  std::vector<std::vector<LinearModel>> candidates,
                  const std::vector<double>& costs,
                  const std::vector<tools::Utterance>& calibration,
                  const TrainingOptions& options);

  /// Returns the outputs of `classifier`'s fastText, neighbour and embedding members and of
  /// every candidate linear model on `examples`.
  static MemberOutputs Score(const IntentClassifier& classifier,
                             const std::vector<std::vector<LinearModel>>& candidates,
                             const std::vector<tools::Utterance>& examples);

  /// Completes `classifier` as Run does, fitting on `outputs`: the outputs on `examples` of
  /// members of the same kinds as `classifier`'s and `candidates`, which need not be the same
  /// models (out-of-fold outputs come from models trained without each example).
  static void Fit(IntentClassifier& classifier, std::vector<std::vector<LinearModel>> candidates,
                  const std::vector<double>& costs, const MemberOutputs& outputs,
                  const std::vector<tools::Utterance>& examples, const TrainingOptions& options);
};

}  // namespace mobilelink::nlu
