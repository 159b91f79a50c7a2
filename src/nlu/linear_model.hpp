#pragma once

// A linear classifier (liblinear's multi-class SVM by default) over hashed TF-IDF features: word
// unigrams and bigrams plus character 2- to 5-grams of the message.

#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

namespace mobilelink::nlu {

enum class LinearSolver {
  kSvm,            // L2-regularized L2-loss SVM, one-vs-rest, dual.
  kCrammerSinger,  // Multi-class SVM of Crammer and Singer.
  kLogistic,       // L2-regularized logistic regression, one-vs-rest, dual.
};

struct LinearOptions {
  int hash_bits = 16;  // Feature space of 2^hash_bits buckets.
  double cost = 1.0;   // liblinear's C.
  LinearSolver solver = LinearSolver::kCrammerSinger;
  // Character n-grams also span the space between words, as well as within each word.
  bool cross_word_char_ngrams = true;
};

/// Parses "svm", "crammer_singer" or "logistic". Throws std::invalid_argument otherwise.
LinearSolver ParseLinearSolver(std::string_view name);

/// One hashed feature and its weight.
struct Feature {
  std::uint32_t index = 0;
  float value = 0;
};

/// Returns the distinct hashed features of `tokens` with their raw counts, sorted by index.
std::vector<Feature> CountFeatures(const std::vector<std::string>& tokens, int hash_bits,
                                   bool cross_word_char_ngrams);

/// Thread safe after construction.
class LinearModel final {
 public:
  /// Trains on `labels[i]` (in [0, label_count)) for `examples[i]`. Every label must occur.
  /// liblinear shuffles with rand(), so this seeds it with `seed` and is not thread safe.
  static LinearModel Train(const std::vector<std::vector<std::string>>& examples,
                           const std::vector<int>& labels, int label_count,
                           const LinearOptions& options, unsigned seed);

  /// Returns one SVM decision value per label.
  [[nodiscard]] std::vector<float> Scores(const std::vector<std::string>& tokens) const;

  [[nodiscard]] int LabelCount() const { return label_count_; }

  /// Writes the model; weights are stored as 16-bit integers with one scale per label.
  void Write(std::ostream& out) const;
  /// Reads what Write wrote. Throws std::runtime_error for a truncated or invalid stream.
  static LinearModel Read(std::istream& in);

 private:
  [[nodiscard]] std::vector<Feature> Weigh(const std::vector<std::string>& tokens) const;

  int hash_bits_ = 0;
  bool cross_word_char_ngrams_ = false;
  int label_count_ = 0;
  std::vector<float> idf_;
  // (2^hash_bits + 1) rows of label_count_ weights; the last row is the bias.
  std::vector<float> weights_;
};

}  // namespace mobilelink::nlu
