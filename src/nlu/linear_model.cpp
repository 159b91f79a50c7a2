#include "mobilelink/nlu/linear_model.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <libstemmer.h>
#include <linear.h>
#include <memory>
#include <new>
#include <stdexcept>
#include <string_view>

#include "mobilelink/nlu/binary_io.hpp"

namespace mobilelink::nlu {

namespace {

constexpr int kMaxCharGram = 8;
constexpr int kMaxHashBits = 24;
constexpr int kMaxWordGrams = 3;
// liblinear's stopping tolerance for the dual solver; its documented default.
constexpr double kTolerance = 0.1;

// FNV-1a, 32 bits, seeded by the feature kind so that a word and a character n-gram with the
// same bytes land in different buckets.
std::uint32_t Hash(char kind, std::string_view bytes, std::string_view more = {}) {
  std::uint32_t hash = 2166136261u ^ static_cast<unsigned char>(kind);
  hash *= 16777619u;
  for (std::string_view part : {bytes, std::string_view("\x1f", more.empty() ? 0 : 1), more}) {
    for (char c : part) {
      hash ^= static_cast<unsigned char>(c);
      hash *= 16777619u;
    }
  }
  return hash;
}

// Byte offsets of the UTF-8 code points of `word`, plus its size.
std::vector<std::size_t> CodePointOffsets(std::string_view word) {
  std::vector<std::size_t> offsets;
  for (std::size_t i = 0; i < word.size(); ++i) {
    if ((static_cast<unsigned char>(word[i]) & 0xC0) != 0x80) {
      offsets.push_back(i);
    }
  }
  offsets.push_back(word.size());
  return offsets;
}

void SilentPrint(const char*) {}

struct QuantizedWeights {
  std::vector<float> scales;  // One per label: the weight of one step.
  std::vector<std::int16_t> values;
};

// Maps each label's weights to 16-bit steps of max|w| / 32767.
QuantizedWeights Quantize(const std::vector<float>& weights, int label_count) {
  QuantizedWeights quantized;
  quantized.scales.assign(label_count, 0);
  for (std::size_t i = 0; i < weights.size(); ++i) {
    auto& scale = quantized.scales[i % label_count];
    scale = std::max(scale, std::abs(weights[i]) / 32767.0f);
  }
  quantized.values.resize(weights.size());
  for (std::size_t i = 0; i < weights.size(); ++i) {
    const float scale = quantized.scales[i % label_count];
    quantized.values[i] =
        scale > 0 ? static_cast<std::int16_t>(std::lround(weights[i] / scale)) : std::int16_t{0};
  }
  return quantized;
}

std::vector<float> Dequantize(const QuantizedWeights& quantized, int label_count) {
  std::vector<float> weights(quantized.values.size());
  for (std::size_t i = 0; i < weights.size(); ++i) {
    weights[i] = static_cast<float>(quantized.values[i]) * quantized.scales[i % label_count];
  }
  return weights;
}

// libstemmer's stemmer keeps state between calls, so each thread gets its own.
std::string_view Stem(const std::string& word) {
  struct Stemmer {
    sb_stemmer* stemmer = sb_stemmer_new("english", "UTF_8");
    ~Stemmer() { sb_stemmer_delete(stemmer); }
  };
  thread_local const Stemmer english;
  if (english.stemmer == nullptr) {
    throw std::runtime_error("libstemmer has no English UTF-8 stemmer");
  }
  const sb_symbol* stem = sb_stemmer_stem(english.stemmer,
                                          reinterpret_cast<const sb_symbol*>(word.data()),
                                          static_cast<int>(word.size()));
  if (stem == nullptr) {
    throw std::bad_alloc();
  }
  return {reinterpret_cast<const char*>(stem),
          static_cast<std::size_t>(sb_stemmer_length(english.stemmer))};
}

void AddCharGrams(const std::string& padded, const FeatureOptions& options, std::uint32_t mask,
                  std::vector<std::uint32_t>& indices) {
  const auto offsets = CodePointOffsets(padded);
  const std::size_t points = offsets.size() - 1;
  for (std::size_t start = 0; start < points; ++start) {
    for (int n = options.min_char_ngram; n <= options.max_char_ngram && start + n <= points;
         ++n) {
      const std::string_view gram(padded.data() + offsets[start],
                                  offsets[start + n] - offsets[start]);
      indices.push_back(Hash('c', gram) & mask);
    }
  }
}

float TermFrequency(float count, TermWeighting weighting) {
  switch (weighting) {
    case TermWeighting::kSublinear:
      return 1 + std::log(count);
    case TermWeighting::kRaw:
      return count;
    case TermWeighting::kBinary:
      return 1;
  }
  return count;
}

}  // namespace

LinearSolver ParseLinearSolver(std::string_view name) {
  if (name == "svm") {
    return LinearSolver::kSvm;
  }
  if (name == "crammer_singer") {
    return LinearSolver::kCrammerSinger;
  }
  if (name == "logistic") {
    return LinearSolver::kLogistic;
  }
  throw std::invalid_argument("invalid linear solver \"" + std::string(name) +
                              "\": expected svm, crammer_singer or logistic");
}

TermWeighting ParseTermWeighting(std::string_view name) {
  if (name == "sublinear") {
    return TermWeighting::kSublinear;
  }
  if (name == "raw") {
    return TermWeighting::kRaw;
  }
  if (name == "binary") {
    return TermWeighting::kBinary;
  }
  throw std::invalid_argument("invalid term weighting \"" + std::string(name) +
                              "\": expected sublinear, raw or binary");
}

std::vector<Feature> CountFeatures(const std::vector<std::string>& tokens,
                                   const FeatureOptions& options) {
  const std::uint32_t mask = (1u << options.hash_bits) - 1;
  std::vector<std::uint32_t> indices;
  std::string line = " ";
  for (std::size_t t = 0; t < tokens.size(); ++t) {
    indices.push_back(Hash('w', tokens[t]) & mask);
    if (options.word_stems) {
      indices.push_back(Hash('s', Stem(tokens[t])) & mask);
    }
    if (options.word_ngrams >= 2 && t + 1 < tokens.size()) {
      indices.push_back(Hash('b', tokens[t], tokens[t + 1]) & mask);
    }
    if (options.word_ngrams >= 3 && t + 2 < tokens.size()) {
      indices.push_back(Hash('t', tokens[t] + "\x1f" + tokens[t + 1], tokens[t + 2]) & mask);
    }
    if (options.cross_word_char_ngrams) {
      line += tokens[t] + " ";
    } else {
      AddCharGrams(" " + tokens[t] + " ", options, mask, indices);
    }
  }
  if (options.cross_word_char_ngrams && !tokens.empty()) {
    AddCharGrams(line, options, mask, indices);
  }
  std::sort(indices.begin(), indices.end());
  std::vector<Feature> features;
  for (std::uint32_t index : indices) {
    if (!features.empty() && features.back().index == index) {
      features.back().value += 1;
    } else {
      features.push_back({index, 1});
    }
  }
  return features;
}

std::vector<Feature> LinearModel::Weigh(const std::vector<std::string>& tokens) const {
  auto features = CountFeatures(tokens, features_);
  double norm = 0;
  for (auto& feature : features) {
    feature.value = TermFrequency(feature.value, features_.term_weighting) * idf_[feature.index];
    norm += static_cast<double>(feature.value) * feature.value;
  }
  if (features_.l2_normalize && norm > 0) {
    const auto inverse = static_cast<float>(1 / std::sqrt(norm));
    for (auto& feature : features) {
      feature.value *= inverse;
    }
  }
  return features;
}

namespace {

using LiblinearModel = std::unique_ptr<::model, void (*)(::model*)>;
using Rows = std::vector<std::vector<feature_node>>;

// Converts weighted features to liblinear rows: 1-based indices, a bias node at index
// buckets + 1 and a -1 terminator.
Rows ToRows(const std::vector<std::vector<Feature>>& examples, std::size_t buckets) {
  Rows rows;
  rows.reserve(examples.size());
  for (const auto& features : examples) {
    std::vector<feature_node> row;
    row.reserve(features.size() + 2);
    for (const auto& feature : features) {
      row.push_back({static_cast<int>(feature.index) + 1, feature.value});
    }
    row.push_back({static_cast<int>(buckets) + 1, 1.0});
    row.push_back({-1, 0});
    rows.push_back(std::move(row));
  }
  return rows;
}

int SolverType(LinearSolver solver) {
  switch (solver) {
    case LinearSolver::kCrammerSinger:
      return MCSVM_CS;
    case LinearSolver::kLogistic:
      return L2R_LR_DUAL;
    case LinearSolver::kSvm:
      return L2R_L2LOSS_SVC_DUAL;
  }
  return L2R_L2LOSS_SVC_DUAL;
}

// Trains liblinear on `rows` with their targets. liblinear shuffles with rand(), so this seeds
// it with `seed`.
LiblinearModel TrainLiblinear(Rows& rows, std::vector<double>& targets, std::size_t buckets,
                              int solver_type, double cost, unsigned seed) {
  std::vector<feature_node*> row_pointers;
  row_pointers.reserve(rows.size());
  for (auto& row : rows) {
    row_pointers.push_back(row.data());
  }
  problem prob{};
  prob.l = static_cast<int>(rows.size());
  prob.n = static_cast<int>(buckets) + 1;
  prob.y = targets.data();
  prob.x = row_pointers.data();
  prob.bias = 1;
  parameter param{};
  param.solver_type = solver_type;
  param.C = cost;
  param.eps = kTolerance;
  if (const char* error = check_parameter(&prob, &param)) {
    throw std::invalid_argument(std::string("liblinear rejected the parameters: ") + error);
  }
  set_print_string_function(&SilentPrint);
  std::srand(seed);
  return {::train(&prob, &param), [](::model* m) { free_and_destroy_model(&m); }};
}

// Trains one multi-class model and returns its weights as (buckets + 1) rows of label_count.
std::vector<float> TrainMultiClass(const std::vector<std::vector<Feature>>& examples,
                                   const std::vector<int>& labels, int label_count,
                                   std::size_t buckets, const LinearOptions& options,
                                   unsigned seed) {
  Rows rows = ToRows(examples, buckets);
  std::vector<double> targets(labels.begin(), labels.end());
  const int solver_type = SolverType(options.solver);
  const auto trained = TrainLiblinear(rows, targets, buckets, solver_type, options.cost, seed);
  if (trained->nr_class != label_count) {
    throw std::invalid_argument("every label needs at least one training example");
  }
  // liblinear stores w[feature * columns + class], with one column when there are 2 classes
  // (except for Crammer-Singer, which always has one per class).
  const int columns = trained->nr_class == 2 && solver_type != MCSVM_CS ? 1 : trained->nr_class;
  std::vector<float> weights((buckets + 1) * label_count, 0);
  for (std::size_t feature = 0; feature <= buckets; ++feature) {
    float* row = &weights[feature * label_count];
    for (int column = 0; column < columns; ++column) {
      const auto weight = static_cast<float>(trained->w[feature * columns + column]);
      row[trained->label[column]] = weight;
      if (columns == 1) {
        row[trained->label[1]] = -weight;
      }
    }
  }
  return weights;
}

// Trains one binary model per label on features scaled by that label's log-count ratio, and
// folds the ratio into the weights, so scoring costs the same as for a multi-class model.
std::vector<float> TrainLogCountRatio(const std::vector<std::vector<Feature>>& examples,
                                      const std::vector<int>& labels, int label_count,
                                      std::size_t buckets, const LinearOptions& options,
                                      unsigned seed) {
  if (options.solver == LinearSolver::kCrammerSinger) {
    throw std::invalid_argument(
        "log-count ratio scaling needs a one-vs-rest solver (svm or logistic), not "
        "crammer_singer");
  }
  std::vector<double> document_frequency(buckets, 0);
  std::vector<std::vector<std::size_t>> examples_of(label_count);
  for (std::size_t i = 0; i < examples.size(); ++i) {
    examples_of[labels[i]].push_back(i);
    for (const auto& feature : examples[i]) {
      document_frequency[feature.index] += 1;
    }
  }
  double total_count = 0;
  for (double count : document_frequency) {
    total_count += count;
  }
  const Rows base = ToRows(examples, buckets);
  Rows rows = base;
  std::vector<double> targets(examples.size());
  std::vector<double> label_frequency(buckets);
  std::vector<float> ratio(buckets);
  std::vector<float> weights((buckets + 1) * label_count, 0);
  for (int label = 0; label < label_count; ++label) {
    if (examples_of[label].empty()) {
      throw std::invalid_argument("every label needs at least one training example");
    }
    std::fill(label_frequency.begin(), label_frequency.end(), 0);
    double label_count_sum = 0;
    for (std::size_t i : examples_of[label]) {
      for (const auto& feature : examples[i]) {
        label_frequency[feature.index] += 1;
        label_count_sum += 1;
      }
    }
    // Add-one smoothing over every bucket.
    const double label_norm = label_count_sum + static_cast<double>(buckets);
    const double rest_norm = total_count - label_count_sum + static_cast<double>(buckets);
    for (std::size_t f = 0; f < buckets; ++f) {
      const double p = (1 + label_frequency[f]) / label_norm;
      const double q = (1 + document_frequency[f] - label_frequency[f]) / rest_norm;
      ratio[f] = static_cast<float>(std::log(p / q));
    }
    for (std::size_t i = 0; i < rows.size(); ++i) {
      targets[i] = labels[i] == label ? 1 : -1;
      for (std::size_t j = 0; j + 2 < rows[i].size(); ++j) {
        rows[i][j].value = base[i][j].value * ratio[rows[i][j].index - 1];
      }
    }
    const auto trained = TrainLiblinear(rows, targets, buckets, SolverType(options.solver),
                                        options.cost, seed);
    // A binary model has one weight column, positive for its first label.
    const float sign = trained->label[0] == 1 ? 1.0f : -1.0f;
    for (std::size_t f = 0; f < buckets; ++f) {
      weights[f * label_count + label] = sign * static_cast<float>(trained->w[f]) * ratio[f];
    }
    weights[buckets * label_count + label] = sign * static_cast<float>(trained->w[buckets]);
  }
  return weights;
}

}  // namespace

LinearModel LinearModel::Train(const std::vector<std::vector<std::string>>& examples,
                               const std::vector<int>& labels, int label_count,
                               const LinearOptions& options, unsigned seed) {
  if (options.hash_bits < 8 || options.hash_bits > kMaxHashBits) {
    throw std::invalid_argument("linear hash_bits must be in [8, 24]");
  }
  if (options.word_ngrams < 1 || options.word_ngrams > kMaxWordGrams) {
    throw std::invalid_argument("linear word_ngrams must be in [1, 3]");
  }
  if (options.min_char_ngram < 1 || options.max_char_ngram > kMaxCharGram ||
      options.min_char_ngram > options.max_char_ngram + 1) {
    throw std::invalid_argument(
        "linear character n-gram lengths must satisfy 1 <= min <= max + 1 and max <= 8 (min = "
        "max + 1 turns character n-grams off)");
  }
  LinearModel model;
  model.features_ = options;
  model.label_count_ = label_count;
  const std::size_t buckets = std::size_t{1} << options.hash_bits;

  // Smoothed IDF, as in the usual TF-IDF: log((1 + n) / (1 + df)) + 1.
  std::vector<double> document_frequency(buckets, 0);
  for (const auto& tokens : examples) {
    for (const auto& feature : CountFeatures(tokens, options)) {
      document_frequency[feature.index] += 1;
    }
  }
  const double documents = static_cast<double>(examples.size());
  model.idf_.resize(buckets);
  for (std::size_t i = 0; i < buckets; ++i) {
    model.idf_[i] = static_cast<float>(std::log((1 + documents) / (1 + document_frequency[i])) + 1);
  }

  std::vector<std::vector<Feature>> weighed;
  weighed.reserve(examples.size());
  for (const auto& tokens : examples) {
    weighed.push_back(model.Weigh(tokens));
  }
  model.weights_ =
      options.log_count_ratio
          ? TrainLogCountRatio(weighed, labels, label_count, buckets, options, seed)
          : TrainMultiClass(weighed, labels, label_count, buckets, options, seed);
  // The model in memory is the one a saved file loads, so predictions match after a reload.
  model.weights_ = Dequantize(Quantize(model.weights_, label_count), label_count);
  return model;
}

std::vector<float> LinearModel::Scores(const std::vector<std::string>& tokens) const {
  const std::size_t buckets = std::size_t{1} << features_.hash_bits;
  std::vector<float> scores(weights_.begin() + static_cast<std::ptrdiff_t>(buckets * label_count_),
                            weights_.end());
  for (const auto& feature : Weigh(tokens)) {
    const float* row = &weights_[feature.index * static_cast<std::size_t>(label_count_)];
    for (int label = 0; label < label_count_; ++label) {
      scores[label] += feature.value * row[label];
    }
  }
  return scores;
}

void LinearModel::Write(std::ostream& out) const {
  io::Put<std::int32_t>(out, features_.hash_bits);
  io::Put<std::uint8_t>(out, features_.cross_word_char_ngrams);
  io::Put<std::int32_t>(out, features_.word_ngrams);
  io::Put<std::int32_t>(out, static_cast<std::int32_t>(features_.term_weighting));
  io::Put<std::uint8_t>(out, features_.l2_normalize);
  io::Put<std::int32_t>(out, features_.min_char_ngram);
  io::Put<std::int32_t>(out, features_.max_char_ngram);
  io::Put<std::uint8_t>(out, features_.word_stems);
  io::Put<std::int32_t>(out, label_count_);
  io::PutVector(out, idf_);
  const auto quantized = Quantize(weights_, label_count_);
  io::PutVector(out, quantized.scales);
  io::PutVector(out, quantized.values);
}

LinearModel LinearModel::Read(std::istream& in) {
  LinearModel model;
  auto& features = model.features_;
  features.hash_bits = io::Get<std::int32_t>(in);
  features.cross_word_char_ngrams = io::Get<std::uint8_t>(in) != 0;
  features.word_ngrams = io::Get<std::int32_t>(in);
  const auto term_weighting = io::Get<std::int32_t>(in);
  features.l2_normalize = io::Get<std::uint8_t>(in) != 0;
  features.min_char_ngram = io::Get<std::int32_t>(in);
  features.max_char_ngram = io::Get<std::int32_t>(in);
  features.word_stems = io::Get<std::uint8_t>(in) != 0;
  model.label_count_ = io::Get<std::int32_t>(in);
  if (features.hash_bits < 8 || features.hash_bits > kMaxHashBits || features.word_ngrams < 1 ||
      features.word_ngrams > kMaxWordGrams || features.min_char_ngram < 1 ||
      features.max_char_ngram > kMaxCharGram || term_weighting < 0 ||
      term_weighting > static_cast<std::int32_t>(TermWeighting::kBinary) ||
      model.label_count_ < 1 || model.label_count_ > 100000) {
    throw std::runtime_error("model file has an invalid linear model header");
  }
  features.term_weighting = static_cast<TermWeighting>(term_weighting);
  const std::uint64_t buckets = std::uint64_t{1} << features.hash_bits;
  model.idf_ = io::GetVector<float>(in, buckets);
  QuantizedWeights quantized;
  quantized.scales = io::GetVector<float>(in, model.label_count_);
  quantized.values = io::GetVector<std::int16_t>(in, (buckets + 1) * model.label_count_);
  if (model.idf_.size() != buckets || quantized.scales.size() != std::size_t(model.label_count_) ||
      quantized.values.size() != (buckets + 1) * model.label_count_) {
    throw std::runtime_error("model file has linear model arrays of the wrong size");
  }
  model.weights_ = Dequantize(quantized, model.label_count_);
  return model;
}

}  // namespace mobilelink::nlu
