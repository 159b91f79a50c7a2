#include "mobilelink/nlu/linear_model.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <linear.h>
#include <memory>
#include <stdexcept>
#include <string_view>

#include "mobilelink/nlu/binary_io.hpp"

namespace mobilelink::nlu {

namespace {

constexpr int kMinCharGram = 2;
constexpr int kMaxCharGram = 5;
constexpr int kMaxHashBits = 24;
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

void AddCharGrams(const std::string& padded, std::uint32_t mask,
                  std::vector<std::uint32_t>& indices) {
  const auto offsets = CodePointOffsets(padded);
  const std::size_t points = offsets.size() - 1;
  for (std::size_t start = 0; start < points; ++start) {
    for (int n = kMinCharGram; n <= kMaxCharGram && start + n <= points; ++n) {
      const std::string_view gram(padded.data() + offsets[start],
                                  offsets[start + n] - offsets[start]);
      indices.push_back(Hash('c', gram) & mask);
    }
  }
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

std::vector<Feature> CountFeatures(const std::vector<std::string>& tokens, int hash_bits,
                                   bool cross_word_char_ngrams) {
  const std::uint32_t mask = (1u << hash_bits) - 1;
  std::vector<std::uint32_t> indices;
  std::string line = " ";
  for (std::size_t t = 0; t < tokens.size(); ++t) {
    indices.push_back(Hash('w', tokens[t]) & mask);
    if (t + 1 < tokens.size()) {
      indices.push_back(Hash('b', tokens[t], tokens[t + 1]) & mask);
    }
    if (cross_word_char_ngrams) {
      line += tokens[t] + " ";
    } else {
      AddCharGrams(" " + tokens[t] + " ", mask, indices);
    }
  }
  if (cross_word_char_ngrams && !tokens.empty()) {
    AddCharGrams(line, mask, indices);
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
  auto features = CountFeatures(tokens, hash_bits_, cross_word_char_ngrams_);
  double norm = 0;
  for (auto& feature : features) {
    feature.value = (1 + std::log(feature.value)) * idf_[feature.index];
    norm += static_cast<double>(feature.value) * feature.value;
  }
  if (norm > 0) {
    const auto inverse = static_cast<float>(1 / std::sqrt(norm));
    for (auto& feature : features) {
      feature.value *= inverse;
    }
  }
  return features;
}

LinearModel LinearModel::Train(const std::vector<std::vector<std::string>>& examples,
                               const std::vector<int>& labels, int label_count,
                               const LinearOptions& options, unsigned seed) {
  if (options.hash_bits < 8 || options.hash_bits > kMaxHashBits) {
    throw std::invalid_argument("linear hash_bits must be in [8, 24]");
  }
  LinearModel model;
  model.hash_bits_ = options.hash_bits;
  model.cross_word_char_ngrams_ = options.cross_word_char_ngrams;
  model.label_count_ = label_count;
  const std::size_t buckets = std::size_t{1} << options.hash_bits;

  // Smoothed IDF, as in the usual TF-IDF: log((1 + n) / (1 + df)) + 1.
  std::vector<double> document_frequency(buckets, 0);
  for (const auto& tokens : examples) {
    for (const auto& feature :
         CountFeatures(tokens, options.hash_bits, options.cross_word_char_ngrams)) {
      document_frequency[feature.index] += 1;
    }
  }
  const double documents = static_cast<double>(examples.size());
  model.idf_.resize(buckets);
  for (std::size_t i = 0; i < buckets; ++i) {
    model.idf_[i] = static_cast<float>(std::log((1 + documents) / (1 + document_frequency[i])) + 1);
  }

  // liblinear wants 1-based indices, a bias node and a -1 terminator in each row.
  std::vector<std::vector<feature_node>> rows;
  rows.reserve(examples.size());
  for (const auto& tokens : examples) {
    std::vector<feature_node> row;
    for (const auto& feature : model.Weigh(tokens)) {
      row.push_back({static_cast<int>(feature.index) + 1, feature.value});
    }
    row.push_back({static_cast<int>(buckets) + 1, 1.0});
    row.push_back({-1, 0});
    rows.push_back(std::move(row));
  }
  std::vector<feature_node*> row_pointers;
  std::vector<double> targets;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    row_pointers.push_back(rows[i].data());
    targets.push_back(labels[i]);
  }
  problem prob{};
  prob.l = static_cast<int>(rows.size());
  prob.n = static_cast<int>(buckets) + 1;
  prob.y = targets.data();
  prob.x = row_pointers.data();
  prob.bias = 1;
  parameter param{};
  param.solver_type = options.solver == LinearSolver::kCrammerSinger ? MCSVM_CS
                      : options.solver == LinearSolver::kLogistic    ? L2R_LR_DUAL
                                                                     : L2R_L2LOSS_SVC_DUAL;
  param.C = options.cost;
  param.eps = kTolerance;
  if (const char* error = check_parameter(&prob, &param)) {
    throw std::invalid_argument(std::string("liblinear rejected the parameters: ") + error);
  }
  set_print_string_function(&SilentPrint);
  std::srand(seed);
  std::unique_ptr<::model, void (*)(::model*)> trained(
      ::train(&prob, &param), [](::model* m) { free_and_destroy_model(&m); });
  if (trained->nr_class != label_count) {
    throw std::invalid_argument("every label needs at least one training example");
  }

  // liblinear stores w[feature * columns + class], with one column when there are 2 classes
  // (except for Crammer-Singer, which always has one per class).
  const int columns =
      trained->nr_class == 2 && param.solver_type != MCSVM_CS ? 1 : trained->nr_class;
  model.weights_.assign((buckets + 1) * label_count, 0);
  for (std::size_t feature = 0; feature <= buckets; ++feature) {
    float* row = &model.weights_[feature * label_count];
    for (int column = 0; column < columns; ++column) {
      const auto weight = static_cast<float>(trained->w[feature * columns + column]);
      row[trained->label[column]] = weight;
      if (columns == 1) {
        row[trained->label[1]] = -weight;
      }
    }
  }
  // The model in memory is the one a saved file loads, so predictions match after a reload.
  model.weights_ = Dequantize(Quantize(model.weights_, label_count), label_count);
  return model;
}

std::vector<float> LinearModel::Scores(const std::vector<std::string>& tokens) const {
  const std::size_t buckets = std::size_t{1} << hash_bits_;
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
  io::Put<std::int32_t>(out, hash_bits_);
  io::Put<std::uint8_t>(out, cross_word_char_ngrams_);
  io::Put<std::int32_t>(out, label_count_);
  io::PutVector(out, idf_);
  const auto quantized = Quantize(weights_, label_count_);
  io::PutVector(out, quantized.scales);
  io::PutVector(out, quantized.values);
}

LinearModel LinearModel::Read(std::istream& in) {
  LinearModel model;
  model.hash_bits_ = io::Get<std::int32_t>(in);
  model.cross_word_char_ngrams_ = io::Get<std::uint8_t>(in) != 0;
  model.label_count_ = io::Get<std::int32_t>(in);
  if (model.hash_bits_ < 8 || model.hash_bits_ > kMaxHashBits || model.label_count_ < 1 ||
      model.label_count_ > 100000) {
    throw std::runtime_error("model file has an invalid linear model header");
  }
  const std::uint64_t buckets = std::uint64_t{1} << model.hash_bits_;
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
