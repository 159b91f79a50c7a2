#include "mobilelink/nlu/embedding_model.hpp"

#include <algorithm>
#include <cmath>
#include <istream>
#include <numbers>
#include <ostream>
#include <random>
#include <stdexcept>

#include "mobilelink/nlu/binary_io.hpp"
#include "mobilelink/nlu/shuffle.hpp"

namespace mobilelink::nlu {

namespace {

// Length of a message vector. A unit vector gives the first layer inputs too small for the
// learning rate to move the weights far in the epochs given.
constexpr float kInputLength = 4;
constexpr std::uint64_t kMaxWords = std::uint64_t{1} << 24;
constexpr std::uint64_t kMaxWordBytes = 1024;
constexpr std::uint64_t kMaxWeights = std::uint64_t{1} << 28;
constexpr int kMaxDim = 4096;
constexpr int kMaxHidden = 4096;
constexpr int kMaxNetworks = 64;

// Draws standard normal values from a std::mt19937 with the Box-Muller transform, so that the
// values are the same with every standard library (std::normal_distribution is not).
class Normal {
 public:
  explicit Normal(unsigned seed) : random_(seed) {}

  float Next() {
    if (spare_) {
      spare_ = false;
      return second_;
    }
    // Uniform in (0, 1], so the logarithm is finite.
    const double u = (static_cast<double>(random_()) + 1) / 4294967296.0;
    const double v = static_cast<double>(random_()) / 4294967296.0;
    const double radius = std::sqrt(-2 * std::log(u));
    const double angle = 2 * std::numbers::pi * v;
    second_ = static_cast<float>(radius * std::sin(angle));
    spare_ = true;
    return static_cast<float>(radius * std::cos(angle));
  }

  std::mt19937& Random() { return random_; }

 private:
  std::mt19937 random_;
  bool spare_ = false;
  float second_ = 0;
};

// Eight partial sums in a fixed order: the compiler may keep them in vector registers, and the
// result stays the same on every run.
float Dot(const float* a, const float* b, int size) {
  constexpr int kLanes = 8;
  float partial[kLanes] = {};
  int i = 0;
  for (; i + kLanes <= size; i += kLanes) {
    for (int lane = 0; lane < kLanes; ++lane) {
      partial[lane] += a[i + lane] * b[i + lane];
    }
  }
  float sum = 0;
  for (float value : partial) {
    sum += value;
  }
  for (; i < size; ++i) {
    sum += a[i] * b[i];
  }
  return sum;
}

// target += scale * source.
void AddScaled(float* target, const float* source, float scale, int size) {
  for (int i = 0; i < size; ++i) {
    target[i] += scale * source[i];
  }
}

// weights -= rate * (gradients + decay * weights), and clears the gradients.
void Step(std::vector<float>& weights, std::vector<float>& gradients, float rate, float decay) {
  for (std::size_t i = 0; i < weights.size(); ++i) {
    weights[i] -= rate * (gradients[i] + decay * weights[i]);
    gradients[i] = 0;
  }
}

}  // namespace

EmbeddingModel::Network EmbeddingModel::TrainNetwork(
    const std::vector<std::vector<std::uint32_t>>& examples, const std::vector<int>& labels,
    const EmbeddingOptions& options, unsigned seed) {
  const int dim = dim_;
  const int hidden = hidden_;
  const int label_count = label_count_;
  Network network;
  Normal normal(seed);
  const float input_spread = std::sqrt(2.0f / static_cast<float>(dim));
  const float output_spread = std::sqrt(1.0f / static_cast<float>(hidden));
  network.input_weights.resize(static_cast<std::size_t>(hidden) * dim);
  for (auto& weight : network.input_weights) {
    weight = input_spread * normal.Next();
  }
  network.hidden_biases.assign(hidden, 0);
  network.output_weights.resize(static_cast<std::size_t>(label_count) * hidden);
  for (auto& weight : network.output_weights) {
    weight = output_spread * normal.Next();
  }
  network.output_biases.assign(label_count, 0);

  std::vector<float> input_gradients(network.input_weights.size(), 0);
  std::vector<float> hidden_bias_gradients(hidden, 0);
  std::vector<float> output_gradients(network.output_weights.size(), 0);
  std::vector<float> output_bias_gradients(label_count, 0);
  std::vector<float> activations(hidden);
  std::vector<float> hidden_gradient(hidden);
  const bool tune_vectors = options.vector_learning_rate > 0;
  // The inputs are computed once when the vectors stay fixed, and per use when they move.
  std::vector<std::vector<float>> fixed_inputs;
  if (!tune_vectors) {
    fixed_inputs.reserve(examples.size());
    for (const auto& rows : examples) {
      float length = 0;
      fixed_inputs.push_back(Input(rows, length));
    }
  }
  std::vector<float> input_gradient(dim);
  std::vector<float> vector_gradients(tune_vectors ? vectors_.size() : 0, 0);
  std::vector<std::uint32_t> touched_rows;
  std::vector<std::size_t> order(examples.size());
  for (std::size_t i = 0; i < order.size(); ++i) {
    order[i] = i;
  }
  for (int epoch = 0; epoch < options.epochs; ++epoch) {
    Shuffle(order, normal.Random());
    for (std::size_t start = 0; start < order.size();
         start += static_cast<std::size_t>(options.batch)) {
      const std::size_t end = std::min(order.size(), start + options.batch);
      const float share = 1.0f / static_cast<float>(end - start);
      for (std::size_t position = start; position < end; ++position) {
        const std::size_t example = order[position];
        float length = 0;
        const auto input = tune_vectors ? Input(examples[example], length) : fixed_inputs[example];
        auto scores = Forward(network, input, activations);
        // Softmax, then the gradient of the loss with respect to each score.
        const float top = *std::max_element(scores.begin(), scores.end());
        float sum = 0;
        for (auto& score : scores) {
          score = std::exp(score - top);
          sum += score;
        }
        std::fill(hidden_gradient.begin(), hidden_gradient.end(), 0.0f);
        for (int label = 0; label < label_count; ++label) {
          const float gradient =
              share * (scores[label] / sum - (label == labels[example] ? 1.0f : 0.0f));
          output_bias_gradients[label] += gradient;
          AddScaled(&output_gradients[static_cast<std::size_t>(label) * hidden],
                    activations.data(), gradient, hidden);
          AddScaled(hidden_gradient.data(),
                    &network.output_weights[static_cast<std::size_t>(label) * hidden], gradient,
                    hidden);
        }
        for (int unit = 0; unit < hidden; ++unit) {
          if (activations[unit] <= 0) {
            continue;
          }
          hidden_bias_gradients[unit] += hidden_gradient[unit];
          AddScaled(&input_gradients[static_cast<std::size_t>(unit) * dim], input.data(),
                    hidden_gradient[unit], dim);
        }
        if (tune_vectors && length > 0) {
          AddVectorGradients(network, examples[example], input, length, activations,
                             hidden_gradient, input_gradient, vector_gradients, touched_rows);
        }
      }
      for (std::uint32_t row : touched_rows) {
        float* vector = &vectors_[static_cast<std::size_t>(row) * dim];
        float* gradient = &vector_gradients[static_cast<std::size_t>(row) * dim];
        AddScaled(vector, gradient, -options.vector_learning_rate, dim);
        std::fill(gradient, gradient + dim, 0.0f);
      }
      touched_rows.clear();
      Step(network.input_weights, input_gradients, options.learning_rate, options.weight_decay);
      Step(network.hidden_biases, hidden_bias_gradients, options.learning_rate, 0);
      Step(network.output_weights, output_gradients, options.learning_rate, options.weight_decay);
      Step(network.output_biases, output_bias_gradients, options.learning_rate, 0);
    }
  }
  return network;
}

EmbeddingModel EmbeddingModel::Train(const std::vector<std::vector<std::string>>& examples,
                                     const std::vector<int>& labels, int label_count,
                                     const WordVectors& vectors, const EmbeddingOptions& options,
                                     unsigned seed) {
  if (vectors.dim < 1 || vectors.dim > kMaxDim || vectors.vectors.empty()) {
    throw std::invalid_argument(
        "the word vector file has no vector for any word of the training examples: give a file "
        "of vectors for the language of the examples, or leave out --word-vectors");
  }
  if (options.hidden < 1 || options.hidden > kMaxHidden || options.epochs < 1 ||
      options.batch < 1 || options.networks < 1 || options.networks > kMaxNetworks ||
      !(options.learning_rate > 0) || options.weight_decay < 0 ||
      !(options.vector_learning_rate >= 0)) {
    throw std::invalid_argument(
        "embedding options need hidden in [1, 4096], networks in [1, 64], epochs and batch of "
        "at least 1, a positive learning rate, and a weight decay and vector learning rate of "
        "at least 0");
  }
  if (options.vector_learning_rate > 0 && options.networks != 1) {
    throw std::invalid_argument(
        "a vector learning rate above 0 needs one embedding network, because the networks "
        "share the vectors: set networks to 1 or the vector learning rate to 0");
  }
  EmbeddingModel model;
  model.label_count_ = label_count;
  model.dim_ = vectors.dim;
  model.hidden_ = options.hidden;

  // Document frequency of each word with a vector. Rows follow the sorted vector map, so they
  // are the same on every run.
  std::unordered_map<std::string, int> document_frequency;
  for (const auto& tokens : examples) {
    std::vector<std::string> distinct = tokens;
    std::sort(distinct.begin(), distinct.end());
    distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
    for (const auto& word : distinct) {
      if (vectors.vectors.contains(word)) {
        document_frequency[word] += 1;
      }
    }
  }
  const double documents = static_cast<double>(examples.size());
  for (const auto& [word, vector] : vectors.vectors) {
    const auto found = document_frequency.find(word);
    if (found == document_frequency.end()) {
      continue;
    }
    model.word_index_.emplace(word, static_cast<std::uint32_t>(model.idf_.size()));
    model.idf_.push_back(
        static_cast<float>(std::log((1 + documents) / (1 + found->second)) + 1));
    model.vectors_.insert(model.vectors_.end(), vector.begin(), vector.begin() + vectors.dim);
  }

  std::vector<std::vector<std::uint32_t>> rows;
  rows.reserve(examples.size());
  for (const auto& tokens : examples) {
    rows.push_back(model.Rows(tokens));
  }
  for (int i = 0; i < options.networks; ++i) {
    model.networks_.push_back(
        model.TrainNetwork(rows, labels, options, seed + static_cast<unsigned>(i)));
  }
  return model;
}

std::vector<std::uint32_t> EmbeddingModel::Rows(const std::vector<std::string>& tokens) const {
  std::vector<std::uint32_t> rows;
  for (const auto& token : tokens) {
    const auto found = word_index_.find(token);
    if (found != word_index_.end()) {
      rows.push_back(found->second);
    }
  }
  return rows;
}

std::vector<float> EmbeddingModel::Input(const std::vector<std::uint32_t>& rows,
                                         float& length) const {
  std::vector<float> input(dim_, 0);
  for (std::uint32_t row : rows) {
    AddScaled(input.data(), &vectors_[static_cast<std::size_t>(row) * dim_], idf_[row], dim_);
  }
  length = std::sqrt(Dot(input.data(), input.data(), dim_));
  if (rows.empty() || !(length > 0) || !std::isfinite(length)) {
    length = 0;
    return input;
  }
  for (auto& value : input) {
    value *= kInputLength / length;
  }
  return input;
}

void EmbeddingModel::AddVectorGradients(const Network& network,
                                        const std::vector<std::uint32_t>& rows,
                                        const std::vector<float>& input, float length,
                                        const std::vector<float>& activations,
                                        const std::vector<float>& hidden_gradient,
                                        std::vector<float>& input_gradient,
                                        std::vector<float>& vector_gradients,
                                        std::vector<std::uint32_t>& touched_rows) const {
  // The loss gradient with respect to the input, through the active hidden units.
  std::fill(input_gradient.begin(), input_gradient.end(), 0.0f);
  for (int unit = 0; unit < hidden_; ++unit) {
    if (activations[unit] > 0) {
      AddScaled(input_gradient.data(),
                &network.input_weights[static_cast<std::size_t>(unit) * dim_],
                hidden_gradient[unit], dim_);
    }
  }
  // The input is the weighted sum s scaled to length kInputLength. Its gradient with respect
  // to s is the input gradient without its part along the input, times kInputLength / |s|.
  const float along = Dot(input.data(), input_gradient.data(), dim_) /
                      (kInputLength * kInputLength);
  AddScaled(input_gradient.data(), input.data(), -along, dim_);
  const float scale = kInputLength / length;
  for (std::uint32_t row : rows) {
    float* gradient = &vector_gradients[static_cast<std::size_t>(row) * dim_];
    // A row whose gradient is all zeros was not listed yet, or is listed with nothing to add,
    // so listing it again changes nothing.
    if (std::all_of(gradient, gradient + dim_, [](float value) { return value == 0; })) {
      touched_rows.push_back(row);
    }
    AddScaled(gradient, input_gradient.data(), scale * idf_[row], dim_);
  }
}

std::vector<float> EmbeddingModel::Forward(const Network& network,
                                           const std::vector<float>& input,
                                           std::vector<float>& hidden) const {
  for (int unit = 0; unit < hidden_; ++unit) {
    const float sum =
        network.hidden_biases[unit] +
        Dot(&network.input_weights[static_cast<std::size_t>(unit) * dim_], input.data(), dim_);
    hidden[unit] = std::max(sum, 0.0f);
  }
  std::vector<float> scores(label_count_);
  for (int label = 0; label < label_count_; ++label) {
    scores[label] =
        network.output_biases[label] +
        Dot(&network.output_weights[static_cast<std::size_t>(label) * hidden_], hidden.data(),
            hidden_);
  }
  return scores;
}

std::vector<float> EmbeddingModel::Scores(const std::vector<std::string>& tokens) const {
  float length = 0;
  const auto input = Input(Rows(tokens), length);
  std::vector<float> hidden(hidden_);
  std::vector<float> mean(label_count_, 0);
  for (const auto& network : networks_) {
    AddScaled(mean.data(), Forward(network, input, hidden).data(),
              1.0f / static_cast<float>(networks_.size()), label_count_);
  }
  return mean;
}

void EmbeddingModel::Write(std::ostream& out) const {
  io::Put<std::int32_t>(out, label_count_);
  io::Put<std::int32_t>(out, dim_);
  io::Put<std::int32_t>(out, hidden_);
  // Words in row order, so that reading rebuilds the same index.
  std::vector<const std::string*> words(word_index_.size());
  for (const auto& [word, row] : word_index_) {
    words[row] = &word;
  }
  io::Put<std::uint64_t>(out, words.size());
  for (const auto* word : words) {
    io::PutString(out, *word);
  }
  io::PutVector(out, idf_);
  io::PutVector(out, vectors_);
  io::Put<std::uint64_t>(out, networks_.size());
  for (const auto& network : networks_) {
    io::PutVector(out, network.input_weights);
    io::PutVector(out, network.hidden_biases);
    io::PutVector(out, network.output_weights);
    io::PutVector(out, network.output_biases);
  }
}

EmbeddingModel EmbeddingModel::Read(std::istream& in) {
  EmbeddingModel model;
  model.label_count_ = io::Get<std::int32_t>(in);
  model.dim_ = io::Get<std::int32_t>(in);
  model.hidden_ = io::Get<std::int32_t>(in);
  if (model.label_count_ < 1 || model.dim_ < 1 || model.dim_ > kMaxDim || model.hidden_ < 1 ||
      model.hidden_ > kMaxHidden) {
    throw std::runtime_error("invalid embedding model sizes");
  }
  const auto word_count = io::Get<std::uint64_t>(in);
  if (word_count > kMaxWords) {
    throw std::runtime_error("invalid embedding model word count");
  }
  for (std::uint64_t row = 0; row < word_count; ++row) {
    model.word_index_.emplace(io::GetString(in, kMaxWordBytes), static_cast<std::uint32_t>(row));
  }
  model.idf_ = io::GetVector<float>(in, kMaxWords);
  model.vectors_ = io::GetVector<float>(in, kMaxWeights);
  const auto dim = static_cast<std::size_t>(model.dim_);
  const auto hidden = static_cast<std::size_t>(model.hidden_);
  const auto labels = static_cast<std::size_t>(model.label_count_);
  if (model.word_index_.size() != word_count || model.idf_.size() != word_count ||
      model.vectors_.size() != word_count * dim) {
    throw std::runtime_error("invalid embedding model word tables");
  }
  const auto network_count = io::Get<std::uint64_t>(in);
  if (network_count < 1 || network_count > kMaxNetworks) {
    throw std::runtime_error("invalid embedding model network count");
  }
  for (std::uint64_t i = 0; i < network_count; ++i) {
    Network network;
    network.input_weights = io::GetVector<float>(in, kMaxWeights);
    network.hidden_biases = io::GetVector<float>(in, kMaxHidden);
    network.output_weights = io::GetVector<float>(in, kMaxWeights);
    network.output_biases = io::GetVector<float>(in, kMaxWeights);
    if (network.input_weights.size() != hidden * dim || network.hidden_biases.size() != hidden ||
        network.output_weights.size() != labels * hidden ||
        network.output_biases.size() != labels) {
      throw std::runtime_error("invalid embedding model network tables");
    }
    model.networks_.push_back(std::move(network));
  }
  return model;
}

}  // namespace mobilelink::nlu
