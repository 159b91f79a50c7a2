#pragma once

// A nearest-neighbour scorer: each label's score is the highest cosine similarity between a
// message and that label's training examples, over TF-IDF of word unigrams, bigrams and
// English Snowball stems (no character n-grams, which would make the index large).

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "mobilelink/nlu/linear_model.hpp"

namespace mobilelink::nlu {

/// Thread safe after construction.
class NeighbourModel final {
 public:
  /// Indexes `examples[i]` with label `labels[i]` (in [0, label_count)).
  static NeighbourModel Train(const std::vector<std::vector<std::string>>& examples,
                              const std::vector<int>& labels, int label_count);

  /// Returns, for each label, the highest cosine similarity in [0, 1] between `tokens` and an
  /// example of that label, or 0 when none shares a feature. A feature found in over 5% of the
  /// training examples, and in over 100 of them, is left out of the dot products but not of the
  /// vector lengths, so a score can be below the exact cosine.
  [[nodiscard]] std::vector<float> Scores(const std::vector<std::string>& tokens) const;

  [[nodiscard]] int LabelCount() const { return label_count_; }

  /// Writes the index; similarities are stored as 16-bit fractions of 1.
  void Write(std::ostream& out) const;
  /// Reads what Write wrote. Throws std::runtime_error for a truncated or invalid stream.
  static NeighbourModel Read(std::istream& in);

 private:
  [[nodiscard]] std::vector<Feature> Weigh(const std::vector<std::string>& tokens) const;

  int label_count_ = 0;
  std::vector<std::int32_t> example_labels_;
  std::vector<float> idf_;  // 2^kHashBits entries.
  // Inverted index: the postings of feature f are entries [offsets_[f], offsets_[f + 1]).
  std::vector<std::uint32_t> offsets_;
  std::vector<std::uint32_t> posting_examples_;
  std::vector<std::uint16_t> posting_values_;  // Weight in the example's unit vector * 65535.
};

}  // namespace mobilelink::nlu
