#pragma once

// fastText's supervised classifier, trained and run in-process. Labels are numbered by the
// caller, so label names never have to survive fastText's whitespace-separated input format.

#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

namespace fasttext {
class FastText;
}

namespace mobilelink::nlu {

struct FastTextOptions {
  int dim = 50;
  int epoch = 30;
  double lr = 0.5;
  int word_ngrams = 2;
  int min_char_ngram = 3;  // fastText's minn; 0 turns character n-grams off.
  int max_char_ngram = 5;  // fastText's maxn.
  int bucket = 100000;     // Hash buckets shared by word and character n-grams.
  // Word vectors in fastText's text format (a "count dim" line, then "word v1 ... vdim"),
  // which start the input vectors of the words they contain. Empty: random start. `dim` must
  // equal their size.
  std::string pretrained_vectors;
  // Extra copies of each training line, each with some words dropped or swapped with their
  // neighbour (see AugmentLines). 0 trains on the lines as given.
  int augment_copies = 1;
};

/// Returns `lines` followed by `copies` altered copies of each line, in order. In each copy
/// every word is dropped with probability 1/10, but a line keeps at least one word. Then, left
/// to right, each pair of adjacent words is swapped with probability 1/10, and a swapped word
/// is not swapped again. `labels` grows to match. The same seed gives the same lines.
std::vector<std::string> AugmentLines(const std::vector<std::string>& lines,
                                      std::vector<int>& labels, int copies, unsigned seed);

/// Thread safe after construction.
class FastTextModel final {
 public:
  FastTextModel();
  FastTextModel(FastTextModel&&) noexcept;
  FastTextModel& operator=(FastTextModel&&) noexcept;
  ~FastTextModel();

  /// Trains on `labels[i]` (in [0, label_count)) for each line of normalized tokens. Training
  /// uses one thread and `seed`, so the same input gives the same model.
  static FastTextModel Train(const std::vector<std::string>& lines, const std::vector<int>& labels,
                             int label_count, const FastTextOptions& options, int seed);

  /// Returns one probability per label for a line of normalized tokens (softmax, sums to 1).
  /// An empty line gets all zeros.
  [[nodiscard]] std::vector<float> Probabilities(const std::string& line) const;

  /// Writes fastText's own model format.
  void Write(std::ostream& out) const;
  /// Reads what Write wrote. Throws std::runtime_error for an invalid stream.
  static FastTextModel Read(std::istream& in, int label_count);

 private:
  void MapLabels(int label_count);

  std::unique_ptr<fasttext::FastText> fasttext_;
  std::vector<int> label_of_output_;  // fastText's label id -> caller's label number.
};

}  // namespace mobilelink::nlu
