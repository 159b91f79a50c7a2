#pragma once

// The intent detector of the tier-0 bot: fastText and linear models over word and character
// n-grams, averaged, with an out-of-scope answer from an `oos` class and confidence thresholds.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mobilelink/bot/tier_zero_bot.hpp"
#include "mobilelink/nlu/embedding_model.hpp"
#include "mobilelink/nlu/fasttext_model.hpp"
#include "mobilelink/nlu/linear_model.hpp"
#include "mobilelink/nlu/neighbour_model.hpp"
#include "mobilelink/nlu/threshold.hpp"
#include "mobilelink/tools/dataset.hpp"

namespace mobilelink::nlu {

/// The label of out-of-scope examples in training data, and the intent of an out-of-scope
/// prediction.
inline constexpr std::string_view kOutOfScope = bot::kOutOfScopeIntent;

enum class ModelKind { kFastText, kLinear, kEnsemble };

/// Method that fits the ensemble weights, the linear models' C and the thresholds on
/// calibration data.
enum class EnsembleFit {
  // Each linear model's C and softmax scale by its own log loss, then the weights by the
  // ensemble's log loss, then the thresholds by the threshold objective.
  kLogLoss,
  // Every combination of C values and weights gets its best threshold, and the combination
  // with the highest threshold objective wins.
  kJoint,
};

/// Rule that makes a prediction out of scope.
enum class OutOfScopeRule {
  // The top label is `oos`, or the top probability is below the threshold.
  kTopProbability,
  // As kTopProbability, or the `oos` probability reaches a second threshold.
  kTwoThresholds,
};

struct TrainingOptions {
  ModelKind kind = ModelKind::kEnsemble;
  ThresholdObjective threshold_objective = ThresholdObjective::kAccuracy;
  // A fixed out-of-scope threshold in [0, 1] instead of one chosen on calibration data, or
  // negative to choose it.
  double fixed_threshold = -1;
  // Out-of-scope training examples form a class of their own. When false they are left out of
  // training, and only the threshold answers out of scope.
  bool out_of_scope_class = true;
  int seed = 1;
  FastTextOptions fasttext;
  // fastText models trained with seeds seed, seed + 1, ..., whose probabilities are averaged.
  int fasttext_models = 1;
  LinearOptions linear;
  // Solvers of further linear models over the same features, each a member of the ensemble.
  std::vector<LinearSolver> extra_solvers;
  // Candidate values of each linear model's C, chosen on calibration data. Empty, or nothing
  // fitted: linear.cost.
  std::vector<double> costs{0.5, 1, 2};
  EnsembleFit ensemble_fit = EnsembleFit::kJoint;
  OutOfScopeRule out_of_scope_rule = OutOfScopeRule::kTopProbability;
  // Raise fastText's probabilities to a power fitted on calibration data by log loss, and
  // renormalize, before they are averaged (temperature scaling of its log-probabilities).
  bool fasttext_temperature = true;
  // A nearest-neighbour member (NeighbourModel) after the linear models, with its softmax
  // scale and weight fitted like theirs. Not used by ModelKind::kFastText, nor when nothing
  // is fitted (no calibration data and a label with fewer than two training examples).
  bool nearest_neighbour = true;
  // Extra copies of each training message for the linear models, altered as fastText's are
  // (AugmentLines, seeded with seed + 1). 0 trains them on the messages as given.
  int linear_augment_copies = 0;
  // Pretrained word vectors (a file that ReadWordVectors reads) for an embedding member
  // (EmbeddingModel) after the nearest-neighbour member, with its softmax scale and weight
  // fitted like theirs. Empty: no embedding member. Not used by ModelKind::kFastText, nor
  // when nothing is fitted.
  std::string word_vectors;
  EmbeddingOptions embedding;
};

/// Parses "fasttext", "linear" or "ensemble". Throws std::invalid_argument otherwise.
ModelKind ParseModelKind(std::string_view name);

/// Parses "log_loss" or "joint". Throws std::invalid_argument otherwise.
EnsembleFit ParseEnsembleFit(std::string_view name);

/// Parses "top_probability" or "two_thresholds". Throws std::invalid_argument otherwise.
OutOfScopeRule ParseOutOfScopeRule(std::string_view name);

struct Prediction {
  std::string intent;         // kOutOfScope when no intent fits.
  double confidence = 0;      // Probability of the best in-scope intent.
  std::string best_in_scope;  // That intent, even when the answer is out of scope.
};

/// Returns a hash of the examples, their order and the options, so that a saved model can be
/// checked against the data it should have been trained on. FNV-1a, 64 bits: it detects
/// change, it does not resist tampering.
std::uint64_t HashTrainingData(const std::vector<tools::Utterance>& train,
                               const std::vector<tools::Utterance>& calibration,
                               const TrainingOptions& options);

/// Thread safe after construction.
class IntentClassifier final : public bot::IntentDetector {
 public:
  /// Trains on `train`, then fits on `calibration` the linear models' softmax scales (by log
  /// loss), their C, the ensemble weights and the out-of-scope thresholds (as
  /// options.ensemble_fit selects). With no calibration examples and at least two training
  /// examples per label, it fits them on out-of-fold predictions of `train` instead: each
  /// example is scored by members trained without it, in up to five folds stratified by label
  /// and drawn with options.seed. With fewer, the threshold is 0, the weights are equal, the
  /// scales are 1 and C is options.linear.cost, so only the `oos` class (when `train` has one)
  /// answers out of scope. Throws std::invalid_argument when `train` has fewer than two labels.
  static IntentClassifier Train(const std::vector<tools::Utterance>& train,
                                const std::vector<tools::Utterance>& calibration,
                                const TrainingOptions& options);

  [[nodiscard]] Prediction Predict(std::string_view text) const;

  // bot::IntentDetector
  [[nodiscard]] bot::IntentResult Detect(std::string_view text) const override;

  /// Writes the model to `path` through a new temporary file in the same directory
  /// (`PATH.tmp-` and six random characters, created exclusively), flushed to disk and renamed
  /// over `path`. A symbolic link at `path` is followed, so its target is replaced. Concurrent
  /// saves each rename a complete file of their own, and the last rename wins. Throws
  /// std::runtime_error when `path` is a directory or special file or a step fails, and
  /// removes the temporary file then.
  void Save(const std::filesystem::path& path) const;
  /// Reads a model that Save wrote, following a symbolic link at `path`. Throws
  /// std::runtime_error for a missing or special file, a body whose size or checksum does not
  /// match the header, and an invalid body (sizes beyond the body, non-finite thresholds,
  /// weights or scales, and any other exception while parsing it).
  static IntentClassifier Load(const std::filesystem::path& path);
  /// Reads only the training-data hash from a model file, or nullopt when it cannot.
  static std::optional<std::uint64_t> ReadDataHash(const std::filesystem::path& path);

  [[nodiscard]] std::uint64_t DataHash() const { return data_hash_; }
  [[nodiscard]] const std::vector<std::string>& Labels() const { return labels_; }
  [[nodiscard]] double Threshold() const { return threshold_; }
  /// The `oos` probability from which a prediction is out of scope, above 1 when unused.
  [[nodiscard]] double OutOfScopeThreshold() const { return out_of_scope_threshold_; }
  /// fastText's share of the ensemble probability, 0 without fastText.
  [[nodiscard]] double FastTextWeight() const;
  /// Weight of each member: the fastText models as one (when any), then each linear model,
  /// then the nearest-neighbour model and the embedding model (each when any).
  [[nodiscard]] const std::vector<float>& Weights() const { return weights_; }
  /// Power applied to fastText's probabilities before averaging; 1 when not fitted.
  [[nodiscard]] double FastTextPower() const { return fasttext_power_; }
  /// C of each linear model.
  [[nodiscard]] std::vector<double> Costs() const;
  /// The threshold objective that training reached on the calibration examples (accuracy as a
  /// fraction, or macro F1), or 0 for a loaded model or one trained without them.
  [[nodiscard]] double CalibrationObjective() const { return calibration_objective_; }

 private:
  friend class Calibration;
  // Parses the body that it has read and checked, so that it reads the file once.
  friend IntentClassifier LoadOrTrain(const std::filesystem::path& path,
                                      const std::vector<tools::Utterance>& train,
                                      const std::vector<tools::Utterance>& calibration,
                                      const TrainingOptions& options, bool* retrained);

  // Trains the fastText, neighbour and embedding members on the examples (rows of tokens, lines
  // and label indexes) and returns the linear candidates, candidates[member][i] with costs[i].
  // `fitted` adds the members that need fitted scales and weights.
  std::vector<std::vector<LinearModel>> TrainMembers(
      const std::vector<std::vector<std::string>>& tokens, const std::vector<std::string>& lines,
      const std::vector<int>& labels, const std::vector<double>& costs, bool fitted,
      const TrainingOptions& options);

  // Parses a checked model body. Throws std::runtime_error naming `path` for any failure.
  static IntentClassifier FromBody(std::string_view body, const std::filesystem::path& path);
  static IntentClassifier ParseBody(std::string_view body);

  // Returns one ensemble probability per label.
  [[nodiscard]] std::vector<float> Probabilities(const std::vector<std::string>& tokens) const;
  // Returns each member's probabilities in the order of weights_.
  [[nodiscard]] std::vector<std::vector<float>> MemberProbabilities(
      const std::vector<std::string>& tokens) const;

  ModelKind kind_ = ModelKind::kEnsemble;
  std::vector<std::string> labels_;
  int out_of_scope_label_ = -1;  // Index in labels_, or -1 when training had no oos class.
  float threshold_ = 0;
  float out_of_scope_threshold_ = 2;
  std::vector<float> weights_;
  std::uint64_t data_hash_ = 0;
  std::vector<FastTextModel> fasttext_;
  float fasttext_power_ = 1;  // Power of the fastText average, 1 unless fitted.
  std::vector<LinearModel> linear_;
  std::vector<float> linear_scales_;  // Softmax temperature of each linear model's scores.
  std::vector<double> linear_costs_;
  std::optional<NeighbourModel> neighbour_;
  float neighbour_scale_ = 1;  // Softmax temperature of the neighbour model's scores.
  std::optional<EmbeddingModel> embedding_;
  float embedding_scale_ = 1;  // Softmax temperature of the embedding model's scores.
  double calibration_objective_ = 0;
};

/// Loads the model at `path` when its hash matches the data and options, and otherwise trains,
/// saves and returns a new one. A file that cannot be loaded for any reason (an exception of
/// any type from parsing it) is trained again with a warning in the log. A symbolic link at
/// `path` is followed. Sets `*retrained` to whether it trained. Throws std::runtime_error
/// before training when `path` is a directory or special file or its parent directory is
/// missing.
IntentClassifier LoadOrTrain(const std::filesystem::path& path,
                             const std::vector<tools::Utterance>& train,
                             const std::vector<tools::Utterance>& calibration,
                             const TrainingOptions& options, bool* retrained = nullptr);

}  // namespace mobilelink::nlu
