#pragma once

// A member that reads a message as the IDF-weighted mean of pretrained word vectors and scores
// it with a small neural network: one hidden layer of rectified linear units, trained by
// minibatch gradient descent on the softmax loss.

#include <cstdint>
#include <iosfwd>
#include <string>
#include <unordered_map>
#include <vector>

#include "mobilelink/nlu/word_vectors.hpp"

namespace mobilelink::nlu {

struct EmbeddingOptions {
  int hidden = 256;          // Units of the hidden layer.
  int epochs = 30;           // Passes over the training examples.
  float learning_rate = 0.1f;
  float weight_decay = 1e-4f;
  int batch = 64;            // Examples per gradient step.
  // Networks trained with seeds seed, seed + 1, ..., whose scores are averaged.
  int networks = 1;
  // Learning rate of the word vectors, which the loss gradient then moves along with the
  // weights. 0 keeps the vectors as read. Above 0 only one network is allowed, because the
  // networks share the vectors.
  float vector_learning_rate = 1;
};

/// Thread safe after construction.
class EmbeddingModel final {
 public:
  /// Trains on `labels[i]` (in [0, label_count)) for `examples[i]`, a message's normalized
  /// tokens. `vectors` contains the pretrained vectors of the training words; the model keeps the
  /// ones it uses. Deterministic for a fixed seed: the weights start from std::mt19937 through
  /// an own Box-Muller transform, and the examples are shuffled by an own Fisher-Yates pass.
  /// Throws std::invalid_argument for empty vectors or invalid options.
  static EmbeddingModel Train(const std::vector<std::vector<std::string>>& examples,
                              const std::vector<int>& labels, int label_count,
                              const WordVectors& vectors, const EmbeddingOptions& options,
                              unsigned seed);

  /// Returns one score per label, the mean of the networks' logits. A message with no known
  /// word scores the biases.
  [[nodiscard]] std::vector<float> Scores(const std::vector<std::string>& tokens) const;

  [[nodiscard]] int LabelCount() const { return label_count_; }

  /// Writes the vectors, weights and IDF table.
  void Write(std::ostream& out) const;
  /// Reads what Write wrote. Throws std::runtime_error for a truncated or invalid stream.
  static EmbeddingModel Read(std::istream& in);

 private:
  // The weights of one network, row after row.
  struct Network {
    std::vector<float> input_weights;   // hidden_ rows of dim_ values.
    std::vector<float> hidden_biases;   // hidden_ values.
    std::vector<float> output_weights;  // label_count_ rows of hidden_ values.
    std::vector<float> output_biases;   // label_count_ values.
  };

  // Trains one network on the examples given as rows of their words; with a vector learning
  // rate above 0 it moves vectors_ as well.
  [[nodiscard]] Network TrainNetwork(const std::vector<std::vector<std::uint32_t>>& examples,
                                     const std::vector<int>& labels,
                                     const EmbeddingOptions& options, unsigned seed);
  // Returns the rows of the words of `tokens` that have a vector, in order, repeats kept.
  [[nodiscard]] std::vector<std::uint32_t> Rows(const std::vector<std::string>& tokens) const;
  // Returns the message vector of `rows`, of length dim_: the IDF-weighted mean of their
  // vectors scaled to length kInputLength, or zeros when there is no row. Sets `length` to the
  // length of the weighted sum before scaling (0 when it was not scaled).
  [[nodiscard]] std::vector<float> Input(const std::vector<std::uint32_t>& rows,
                                         float& length) const;
  // Adds the loss gradient with respect to the vectors of `rows` to `vector_gradients` (one row
  // of dim_ values per word) and appends rows that had no gradient yet to `touched_rows`.
  // `hidden_gradient` is the gradient with respect to the hidden units before the rectifier,
  // and `input_gradient` a buffer of dim_ values.
  void AddVectorGradients(const Network& network, const std::vector<std::uint32_t>& rows,
                          const std::vector<float>& input, float length,
                          const std::vector<float>& activations,
                          const std::vector<float>& hidden_gradient,
                          std::vector<float>& input_gradient,
                          std::vector<float>& vector_gradients,
                          std::vector<std::uint32_t>& touched_rows) const;
  // Fills `hidden` (hidden_ units) and returns the label scores of `network` for `input`.
  [[nodiscard]] std::vector<float> Forward(const Network& network, const std::vector<float>& input,
                                           std::vector<float>& hidden) const;

  int label_count_ = 0;
  int dim_ = 0;
  int hidden_ = 0;
  std::unordered_map<std::string, std::uint32_t> word_index_;  // Row in vectors_ and idf_.
  std::vector<float> vectors_;  // One row of dim_ values per word.
  std::vector<float> idf_;      // One weight per word.
  std::vector<Network> networks_;
};

}  // namespace mobilelink::nlu
