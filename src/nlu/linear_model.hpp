#pragma once

// A linear classifier (liblinear's L2-regularized L2-loss SVM, one-vs-rest) over hashed
// TF-IDF features: word unigrams and bigrams plus character 2- to 5-grams of each word.

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

namespace mobilelink::nlu {

struct LinearOptions {
  int hash_bits = 16;  // Feature space of 2^hash_bits buckets.
  double cost = 1.0;   // liblinear's C.
};

/// One hashed feature and its weight.
struct Feature {
  std::uint32_t index = 0;
  float value = 0;
};

/// Returns the distinct hashed features of `tokens` with their raw counts, sorted by index.
std::vector<Feature> CountFeatures(const std::vector<std::string>& tokens, int hash_bits);

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
  int label_count_ = 0;
  std::vector<float> idf_;
  // (2^hash_bits + 1) rows of label_count_ weights; the last row is the bias.
  std::vector<float> weights_;
};

}  // namespace mobilelink::nlu
