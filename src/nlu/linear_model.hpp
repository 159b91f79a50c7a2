#pragma once

// A linear classifier (liblinear's multi-class SVM by default) over hashed TF-IDF features: word
// n-grams (unigrams and bigrams by default) plus character n-grams (2 to 5 by default).

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

/// Term frequency part of a feature's TF-IDF weight.
enum class TermWeighting {
  kSublinear,  // 1 + log(count).
  kRaw,        // The count itself.
  kBinary,     // 1 for any count.
};

/// The features of a linear model and how they are weighted.
struct FeatureOptions {
  int hash_bits = 16;  // Feature space of 2^hash_bits buckets.
  // Character n-grams also span the space between words, as well as within each word.
  bool cross_word_char_ngrams = true;
  int word_ngrams = 2;  // Maximum word n-gram length, 1 to 3.
  int min_char_ngram = 2;  // Minimum character n-gram length, in code points.
  int max_char_ngram = 5;  // Maximum character n-gram length, at most 8.
  TermWeighting term_weighting = TermWeighting::kSublinear;
  bool l2_normalize = true;  // Scale each message's feature vector to unit length.
  // English Snowball stem (libstemmer) of each word as a feature of its own.
  // NOTE: every message is stemmed as English, whatever its language.
  bool word_stems = true;
};

struct LinearOptions : FeatureOptions {
  double cost = 1.0;  // liblinear's C.
  LinearSolver solver = LinearSolver::kCrammerSinger;
  // NBSVM (Wang and Manning, ACL 2012): one binary model per label, trained on features scaled
  // by the label's log-count ratio log(p / |p|_1) - log(q / |q|_1), where p and q count the
  // examples of the label and of the other labels that have each feature, plus 1. Needs a
  // one-vs-rest solver (svm or logistic).
  bool log_count_ratio = false;
};

/// Parses "svm", "crammer_singer" or "logistic". Throws std::invalid_argument otherwise.
LinearSolver ParseLinearSolver(std::string_view name);

/// Parses "sublinear", "raw" or "binary". Throws std::invalid_argument otherwise.
TermWeighting ParseTermWeighting(std::string_view name);

/// One hashed feature and its weight.
struct Feature {
  std::uint32_t index = 0;
  float value = 0;
};

/// Returns the distinct hashed features of `tokens` with their raw counts, sorted by index.
std::vector<Feature> CountFeatures(const std::vector<std::string>& tokens,
                                   const FeatureOptions& options);

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

  FeatureOptions features_;
  int label_count_ = 0;
  std::vector<float> idf_;
  // (2^hash_bits + 1) rows of label_count_ weights; the last row is the bias.
  std::vector<float> weights_;
};

}  // namespace mobilelink::nlu
