#include "mobilelink/nlu/intent_classifier.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <map>
#include <stdexcept>

#include "mobilelink/nlu/binary_io.hpp"
#include "mobilelink/nlu/text_normalizer.hpp"

namespace mobilelink::nlu {

namespace {

constexpr char kMagic[8] = {'M', 'L', 'N', 'L', 'U', '0', '0', '2'};
constexpr std::uint64_t kMaxLabels = 100000;
constexpr std::uint64_t kMaxLabelBytes = 1024;
// Softmax temperatures tried for the SVM scores; the one with the lowest log loss on the
// calibration examples is kept.
constexpr float kLinearScales[] = {1, 2, 3, 5, 8, 12, 20, 30, 50};
// The fastText weight in the ensemble is fitted the same way, in steps of 1 / kWeightSteps.
constexpr int kWeightSteps = 10;
// Floor of a probability inside a log loss, so that one confident miss cannot dominate.
constexpr float kMinProbability = 1e-6f;

class Fnv64 {
 public:
  void Add(std::string_view bytes) {
    for (char c : bytes) {
      hash_ ^= static_cast<unsigned char>(c);
      hash_ *= 1099511628211ull;
    }
    // A terminator keeps ("ab", "c") apart from ("a", "bc").
    hash_ ^= 0xFF;
    hash_ *= 1099511628211ull;
  }
  void Add(double value) { Add(std::to_string(value)); }
  [[nodiscard]] std::uint64_t Value() const { return hash_; }

 private:
  std::uint64_t hash_ = 14695981039346656037ull;
};

std::vector<float> Softmax(const std::vector<float>& scores, float scale) {
  std::vector<float> result(scores.size());
  if (scores.empty()) {
    return result;
  }
  const float top = *std::max_element(scores.begin(), scores.end());
  double sum = 0;
  for (std::size_t i = 0; i < scores.size(); ++i) {
    result[i] = std::exp(scale * (scores[i] - top));
    sum += result[i];
  }
  for (auto& value : result) {
    value = static_cast<float>(value / sum);
  }
  return result;
}

}  // namespace

ModelKind ParseModelKind(std::string_view name) {
  if (name == "fasttext") {
    return ModelKind::kFastText;
  }
  if (name == "linear") {
    return ModelKind::kLinear;
  }
  if (name == "ensemble") {
    return ModelKind::kEnsemble;
  }
  throw std::invalid_argument("invalid model kind \"" + std::string(name) +
                              "\": expected fasttext, linear or ensemble");
}

std::uint64_t HashTrainingData(const std::vector<tools::Utterance>& train,
                               const std::vector<tools::Utterance>& calibration,
                               const TrainingOptions& options) {
  Fnv64 hash;
  hash.Add(std::string_view(kMagic, sizeof kMagic));
  for (double value :
       {double(options.kind), double(options.seed), double(options.threshold_objective),
        options.fixed_threshold, double(options.out_of_scope_class), double(options.fasttext.dim),
        double(options.fasttext.epoch), options.fasttext.lr, double(options.fasttext.word_ngrams),
        double(options.fasttext.min_char_ngram), double(options.fasttext.max_char_ngram),
        double(options.fasttext.bucket), double(options.linear.hash_bits), options.linear.cost,
        double(options.linear.solver), double(options.linear.cross_word_char_ngrams)}) {
    hash.Add(value);
  }
  for (const auto* split : {&train, &calibration}) {
    hash.Add(std::to_string(split->size()));
    for (const auto& example : *split) {
      hash.Add(example.text);
      hash.Add(example.label);
    }
  }
  return hash.Value();
}

IntentClassifier IntentClassifier::Train(const std::vector<tools::Utterance>& all_train,
                                         const std::vector<tools::Utterance>& calibration,
                                         const TrainingOptions& options) {
  IntentClassifier classifier;
  classifier.kind_ = options.kind;
  classifier.data_hash_ = HashTrainingData(all_train, calibration, options);
  std::vector<tools::Utterance> train;
  for (const auto& example : all_train) {
    if (options.out_of_scope_class || example.label != kOutOfScope) {
      train.push_back(example);
    }
  }
  std::map<std::string, int> index_of;
  for (const auto& example : train) {
    index_of.emplace(example.label, 0);
  }
  if (index_of.size() < 2) {
    throw std::invalid_argument("training data needs at least two labels, found " +
                                std::to_string(index_of.size()));
  }
  for (auto& [label, index] : index_of) {
    index = static_cast<int>(classifier.labels_.size());
    classifier.labels_.push_back(label);
    if (label == kOutOfScope) {
      classifier.out_of_scope_label_ = index;
    }
  }

  std::vector<std::vector<std::string>> tokens;
  std::vector<std::string> lines;
  std::vector<int> labels;
  for (const auto& example : train) {
    tokens.push_back(NormalizeTokens(example.text));
    lines.push_back(NormalizeText(example.text));
    labels.push_back(index_of.at(example.label));
  }
  const int label_count = static_cast<int>(classifier.labels_.size());
  if (options.kind != ModelKind::kLinear) {
    classifier.fasttext_ =
        FastTextModel::Train(lines, labels, label_count, options.fasttext, options.seed);
  }
  if (options.kind != ModelKind::kFastText) {
    classifier.linear_ = LinearModel::Train(tokens, labels, label_count, options.linear,
                                            static_cast<unsigned>(options.seed));
  }
  classifier.Calibrate(calibration, options.threshold_objective);
  if (options.fixed_threshold >= 0) {
    classifier.threshold_ = static_cast<float>(options.fixed_threshold);
  }
  return classifier;
}

std::vector<float> IntentClassifier::Probabilities(const std::vector<std::string>& tokens) const {
  std::vector<float> fasttext;
  std::vector<float> linear_scores;
  if (fasttext_) {
    std::string line;
    for (const auto& token : tokens) {
      line += line.empty() ? token : " " + token;
    }
    fasttext = fasttext_->Probabilities(line);
  }
  if (linear_) {
    linear_scores = linear_->Scores(tokens);
  }
  return Combine(fasttext, linear_scores);
}

void IntentClassifier::Calibrate(const std::vector<tools::Utterance>& calibration,
                                 ThresholdObjective objective) {
  if (calibration.empty()) {
    return;
  }
  std::vector<CalibrationRow> rows;
  for (const auto& example : calibration) {
    CalibrationRow row;
    const auto found = std::find(labels_.begin(), labels_.end(), example.label);
    row.label = found == labels_.end() ? -1 : static_cast<int>(found - labels_.begin());
    row.out_of_scope = example.label == kOutOfScope;
    const auto tokens = NormalizeTokens(example.text);
    if (fasttext_) {
      row.fasttext = fasttext_->Probabilities(NormalizeText(example.text));
    }
    if (linear_) {
      row.linear_scores = linear_->Scores(tokens);
    }
    rows.push_back(std::move(row));
  }
  if (linear_) {
    FitLinearScale(rows);
  }
  if (fasttext_ && linear_) {
    FitFastTextWeight(rows);
  }

  // Without an oos class, an out-of-scope answer gets a slot after the last label.
  const int label_count = static_cast<int>(labels_.size()) + (out_of_scope_label_ < 0 ? 1 : 0);
  const int out_of_scope = out_of_scope_label_ < 0 ? label_count - 1 : out_of_scope_label_;
  std::vector<ScoredExample> scored;
  for (const auto& row : rows) {
    const auto probabilities = Combine(row.fasttext, row.linear_scores);
    const auto top = static_cast<int>(std::max_element(probabilities.begin(), probabilities.end()) -
                                      probabilities.begin());
    ScoredExample example;
    example.actual = row.out_of_scope ? out_of_scope : row.label;
    example.predicted = top;
    example.probability = probabilities[top];
    scored.push_back(example);
  }
  threshold_ = ChooseThreshold(scored, label_count, out_of_scope, objective);
}

void IntentClassifier::FitLinearScale(const std::vector<CalibrationRow>& rows) {
  double best_loss = std::numeric_limits<double>::infinity();
  for (float scale : kLinearScales) {
    double loss = 0;
    for (const auto& row : rows) {
      if (row.label >= 0) {
        loss -= std::log(std::max(Softmax(row.linear_scores, scale)[row.label], kMinProbability));
      }
    }
    if (loss < best_loss) {
      best_loss = loss;
      linear_scale_ = scale;
    }
  }
}

void IntentClassifier::FitFastTextWeight(const std::vector<CalibrationRow>& rows) {
  double best_loss = std::numeric_limits<double>::infinity();
  float best_weight = fasttext_weight_;
  for (int step = 0; step <= kWeightSteps; ++step) {
    fasttext_weight_ = static_cast<float>(step) / kWeightSteps;
    double loss = 0;
    for (const auto& row : rows) {
      if (row.label >= 0) {
        const auto probabilities = Combine(row.fasttext, row.linear_scores);
        loss -= std::log(std::max(probabilities[row.label], kMinProbability));
      }
    }
    if (loss < best_loss) {
      best_loss = loss;
      best_weight = fasttext_weight_;
    }
  }
  fasttext_weight_ = best_weight;
}

std::vector<float> IntentClassifier::Combine(const std::vector<float>& fasttext,
                                             const std::vector<float>& linear_scores) const {
  if (!linear_) {
    return fasttext;
  }
  auto probabilities = Softmax(linear_scores, linear_scale_);
  if (!fasttext_) {
    return probabilities;
  }
  for (std::size_t i = 0; i < probabilities.size(); ++i) {
    probabilities[i] = fasttext_weight_ * fasttext[i] + (1 - fasttext_weight_) * probabilities[i];
  }
  return probabilities;
}

Prediction IntentClassifier::Predict(std::string_view text) const {
  const auto tokens = NormalizeTokens(text);
  if (tokens.empty()) {
    return {std::string(kOutOfScope), 0, ""};
  }
  const auto probabilities = Probabilities(tokens);
  int top = -1;
  int top_in_scope = -1;
  for (int i = 0; i < static_cast<int>(probabilities.size()); ++i) {
    if (top < 0 || probabilities[i] > probabilities[top]) {
      top = i;
    }
    if (i != out_of_scope_label_ &&
        (top_in_scope < 0 || probabilities[i] > probabilities[top_in_scope])) {
      top_in_scope = i;
    }
  }
  Prediction prediction;
  prediction.best_in_scope = labels_[top_in_scope];
  prediction.confidence = probabilities[top_in_scope];
  const bool out_of_scope = top == out_of_scope_label_ || probabilities[top] < threshold_;
  prediction.intent = out_of_scope ? std::string(kOutOfScope) : labels_[top];
  return prediction;
}

bot::IntentResult IntentClassifier::Detect(std::string_view text) const {
  const Prediction prediction = Predict(text);
  return {prediction.intent, prediction.confidence};
}

void IntentClassifier::Save(const std::filesystem::path& path) const {
  const std::filesystem::path temporary = path.string() + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out) {
      throw std::runtime_error("failed to open " + temporary.string() + " for writing");
    }
    out.write(kMagic, sizeof kMagic);
    io::Put<std::uint64_t>(out, data_hash_);
    io::Put<std::int32_t>(out, static_cast<std::int32_t>(kind_));
    io::Put<std::uint64_t>(out, labels_.size());
    for (const auto& label : labels_) {
      io::PutString(out, label);
    }
    io::Put<std::int32_t>(out, out_of_scope_label_);
    io::Put<float>(out, threshold_);
    io::Put<float>(out, linear_scale_);
    io::Put<float>(out, fasttext_weight_);
    io::Put<std::uint8_t>(out, fasttext_.has_value());
    if (fasttext_) {
      fasttext_->Write(out);
    }
    io::Put<std::uint8_t>(out, linear_.has_value());
    if (linear_) {
      linear_->Write(out);
    }
    if (!out.flush()) {
      throw std::runtime_error("failed to write " + temporary.string());
    }
  }
  std::filesystem::rename(temporary, path);
}

namespace {

std::ifstream OpenModel(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw std::runtime_error("model file not found or unreadable: " + path.string());
  }
  char magic[sizeof kMagic] = {};
  if (!in.read(magic, sizeof magic) || std::memcmp(magic, kMagic, sizeof kMagic) != 0) {
    throw std::runtime_error("not a Mobile Link intent model (or an older format): " +
                             path.string());
  }
  return in;
}

}  // namespace

std::optional<std::uint64_t> IntentClassifier::ReadDataHash(const std::filesystem::path& path) {
  try {
    auto in = OpenModel(path);
    return io::Get<std::uint64_t>(in);
  } catch (const std::runtime_error&) {
    return std::nullopt;
  }
}

IntentClassifier IntentClassifier::Load(const std::filesystem::path& path) {
  auto in = OpenModel(path);
  IntentClassifier classifier;
  classifier.data_hash_ = io::Get<std::uint64_t>(in);
  const auto kind = io::Get<std::int32_t>(in);
  if (kind < 0 || kind > static_cast<std::int32_t>(ModelKind::kEnsemble)) {
    throw std::runtime_error("model file has an invalid model kind: " + path.string());
  }
  classifier.kind_ = static_cast<ModelKind>(kind);
  const auto label_count = io::Get<std::uint64_t>(in);
  if (label_count < 2 || label_count > kMaxLabels) {
    throw std::runtime_error("model file has an invalid label count: " + path.string());
  }
  for (std::uint64_t i = 0; i < label_count; ++i) {
    classifier.labels_.push_back(io::GetString(in, kMaxLabelBytes));
  }
  classifier.out_of_scope_label_ = io::Get<std::int32_t>(in);
  classifier.threshold_ = io::Get<float>(in);
  classifier.linear_scale_ = io::Get<float>(in);
  classifier.fasttext_weight_ = io::Get<float>(in);
  if (io::Get<std::uint8_t>(in) != 0) {
    classifier.fasttext_ = FastTextModel::Read(in, static_cast<int>(label_count));
  }
  if (io::Get<std::uint8_t>(in) != 0) {
    classifier.linear_ = LinearModel::Read(in);
    if (classifier.linear_->LabelCount() != static_cast<int>(label_count)) {
      throw std::runtime_error("model file has a linear model for other labels: " + path.string());
    }
  }
  if (!classifier.fasttext_ && !classifier.linear_) {
    throw std::runtime_error("model file contains no model: " + path.string());
  }
  return classifier;
}

IntentClassifier LoadOrTrain(const std::filesystem::path& path,
                             const std::vector<tools::Utterance>& train,
                             const std::vector<tools::Utterance>& calibration,
                             const TrainingOptions& options, bool* retrained) {
  const std::uint64_t expected = HashTrainingData(train, calibration, options);
  if (IntentClassifier::ReadDataHash(path) == expected) {
    if (retrained != nullptr) {
      *retrained = false;
    }
    return IntentClassifier::Load(path);
  }
  auto classifier = IntentClassifier::Train(train, calibration, options);
  classifier.Save(path);
  if (retrained != nullptr) {
    *retrained = true;
  }
  return classifier;
}

}  // namespace mobilelink::nlu
