#pragma once

// The intent detector of the tier-0 bot: fastText and a linear SVM over character n-grams,
// averaged, with an out-of-scope answer from an `oos` class and a confidence threshold.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mobilelink/bot/tier_zero_bot.hpp"
#include "mobilelink/nlu/fasttext_model.hpp"
#include "mobilelink/nlu/linear_model.hpp"
#include "mobilelink/nlu/threshold.hpp"
#include "mobilelink/tools/dataset.hpp"

namespace mobilelink::nlu {

/// The label of out-of-scope examples in training data, and the intent of an out-of-scope
/// prediction.
inline constexpr std::string_view kOutOfScope = "oos";

enum class ModelKind { kFastText, kLinear, kEnsemble };

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
  LinearOptions linear;
};

/// Parses "fasttext", "linear" or "ensemble". Throws std::invalid_argument otherwise.
ModelKind ParseModelKind(std::string_view name);

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
  /// Trains on `train`, then fits on `calibration` the linear model's softmax scale, the
  /// ensemble weight (both by log loss) and the out-of-scope threshold (by the objective). With no
  /// calibration examples the threshold is 0, so only the `oos` class (when `train` has one)
  /// answers out of scope. Throws std::invalid_argument when `train` has fewer than two labels.
  static IntentClassifier Train(const std::vector<tools::Utterance>& train,
                                const std::vector<tools::Utterance>& calibration,
                                const TrainingOptions& options);

  [[nodiscard]] Prediction Predict(std::string_view text) const;

  // bot::IntentDetector
  [[nodiscard]] bot::IntentResult Detect(std::string_view text) const override;

  /// Writes the model to `path` through a temporary file and a rename.
  void Save(const std::filesystem::path& path) const;
  /// Reads a model that Save wrote. Throws std::runtime_error for a missing or invalid file.
  static IntentClassifier Load(const std::filesystem::path& path);
  /// Reads only the training-data hash from a model file, or nullopt when it cannot.
  static std::optional<std::uint64_t> ReadDataHash(const std::filesystem::path& path);

  [[nodiscard]] std::uint64_t DataHash() const { return data_hash_; }
  [[nodiscard]] const std::vector<std::string>& Labels() const { return labels_; }
  [[nodiscard]] double Threshold() const { return threshold_; }
  [[nodiscard]] double FastTextWeight() const { return fasttext_weight_; }

 private:
  // Model outputs for one calibration example, kept so each candidate setting is cheap to try.
  struct CalibrationRow {
    int label = -1;  // Index in labels_, or -1 when the example's label is unknown.
    bool out_of_scope = false;
    std::vector<float> fasttext;
    std::vector<float> linear_scores;
  };

  // Returns one ensemble probability per label.
  [[nodiscard]] std::vector<float> Probabilities(const std::vector<std::string>& tokens) const;
  [[nodiscard]] std::vector<float> Combine(const std::vector<float>& fasttext,
                                           const std::vector<float>& linear_scores) const;
  void Calibrate(const std::vector<tools::Utterance>& calibration, ThresholdObjective objective);
  void FitLinearScale(const std::vector<CalibrationRow>& rows);
  void FitFastTextWeight(const std::vector<CalibrationRow>& rows);

  ModelKind kind_ = ModelKind::kEnsemble;
  std::vector<std::string> labels_;
  int out_of_scope_label_ = -1;  // Index in labels_, or -1 when training had no oos class.
  float threshold_ = 0;
  float linear_scale_ = 1;        // Softmax temperature that turns SVM scores into probabilities.
  float fasttext_weight_ = 0.5f;  // fastText's share of the ensemble probability.
  std::uint64_t data_hash_ = 0;
  std::optional<FastTextModel> fasttext_;
  std::optional<LinearModel> linear_;
};

/// Loads the model at `path` when its hash matches the data and options, and otherwise trains,
/// saves and returns a new one. Sets `*retrained` to whether it trained.
IntentClassifier LoadOrTrain(const std::filesystem::path& path,
                             const std::vector<tools::Utterance>& train,
                             const std::vector<tools::Utterance>& calibration,
                             const TrainingOptions& options, bool* retrained = nullptr);

}  // namespace mobilelink::nlu
