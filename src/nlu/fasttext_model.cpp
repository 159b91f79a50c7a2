#include "mobilelink/nlu/fasttext_model.hpp"

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fasttext/fasttext.h>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string_view>
#include <unistd.h>

#include "mobilelink/nlu/binary_io.hpp"
#include "mobilelink/nlu/word_vectors.hpp"

namespace mobilelink::nlu {

namespace {

constexpr const char* kLabelPrefix = "__label__";
// The two int32 values that fastText 0.9.2 writes before a model: a magic number and the file
// format version. FastText::loadModel(std::istream&) expects the stream after them.
constexpr std::int32_t kFastTextMagic = 793712314;
constexpr std::int32_t kFastTextVersion = 12;
constexpr std::uint64_t kMaxModelBytes = std::uint64_t{1} << 32;

// A file in the temporary directory, removed when this goes out of scope. fastText trains
// from and saves to file paths only.
class TemporaryFile {
 public:
  TemporaryFile() {
    std::string pattern = (std::filesystem::temp_directory_path() / "mobilelink-nlu-XXXXXX");
    const int fd = mkstemp(pattern.data());
    if (fd < 0) {
      throw std::runtime_error("failed to create a temporary file in " + pattern);
    }
    close(fd);
    path_ = pattern;
  }
  TemporaryFile(const TemporaryFile&) = delete;
  TemporaryFile& operator=(const TemporaryFile&) = delete;
  ~TemporaryFile() {
    std::error_code ignored;
    std::filesystem::remove(path_, ignored);
  }
  [[nodiscard]] const std::string& Path() const { return path_; }

 private:
  std::string path_;
};

// Reads fixed-size values from the bytes of a fastText model and throws std::runtime_error
// when they run out.
class FastTextCursor {
 public:
  explicit FastTextCursor(std::string_view bytes) : bytes_(bytes) {}

  template <typename T>
  T Get() {
    T value{};
    Skip(sizeof(T));
    std::memcpy(&value, bytes_.data() + offset_ - sizeof(T), sizeof(T));
    return value;
  }

  void Skip(std::uint64_t count) {
    if (count > Remaining()) {
      throw std::runtime_error("model file has a fastText model that ends early");
    }
    offset_ += static_cast<std::size_t>(count);
  }

  // Skips a zero-terminated word.
  void SkipWord() {
    const std::size_t end = bytes_.find('\0', offset_);
    if (end == std::string_view::npos) {
      throw std::runtime_error("model file has a fastText word without its terminator");
    }
    offset_ = end + 1;
  }

  [[nodiscard]] std::uint64_t Remaining() const { return bytes_.size() - offset_; }

 private:
  std::string_view bytes_;
  std::size_t offset_ = 0;
};

// Skips a dense matrix of `rows` x `columns` floats, checking its stored shape.
void SkipFastTextMatrix(FastTextCursor& cursor, std::int64_t rows, std::int64_t columns,
                        const char* name) {
  const auto stored_rows = cursor.Get<std::int64_t>();
  const auto stored_columns = cursor.Get<std::int64_t>();
  if (stored_rows != rows || stored_columns != columns) {
    throw std::runtime_error(std::string("model file has a fastText ") + name + " matrix of " +
                             std::to_string(stored_rows) + " x " + std::to_string(stored_columns) +
                             ", expected " + std::to_string(rows) + " x " +
                             std::to_string(columns));
  }
  // rows and columns are positive and below 2^31 here, so the product does not overflow.
  cursor.Skip(static_cast<std::uint64_t>(rows) * static_cast<std::uint64_t>(columns) *
              sizeof(float));
}

// Checks the layout of a supervised, unquantized fastText 0.9.2 model as Train saves it, from
// its magic number to its last byte. fastText's loader trusts every count it reads: a large
// dictionary size makes it allocate without bound, a missing word terminator makes it read
// past the end without stopping, and a bucket count of 0 divides by zero. So these are
// checked against each other and against the bytes present before the loader reads them.
void CheckFastTextLayout(std::string_view bytes) {
  FastTextCursor cursor(bytes);
  if (cursor.Get<std::int32_t>() != kFastTextMagic ||
      cursor.Get<std::int32_t>() != kFastTextVersion) {
    throw std::runtime_error("model file does not contain a fastText 0.9.2 model");
  }

  // fasttext::Args::save: dim, ws, epoch, minCount, neg, wordNgrams, loss, model, bucket,
  // minn, maxn, lrUpdateRate (each int32) and t (a double).
  const auto dim = cursor.Get<std::int32_t>();
  cursor.Skip(4 * sizeof(std::int32_t));
  const auto word_ngrams = cursor.Get<std::int32_t>();
  const auto loss = cursor.Get<std::int32_t>();
  const auto model = cursor.Get<std::int32_t>();
  const auto bucket = cursor.Get<std::int32_t>();
  const auto min_char_ngram = cursor.Get<std::int32_t>();
  const auto max_char_ngram = cursor.Get<std::int32_t>();
  cursor.Skip(sizeof(std::int32_t) + sizeof(double));
  const bool hashed = max_char_ngram > 0 || word_ngrams > 1;
  if (dim <= 0 || loss != static_cast<std::int32_t>(fasttext::loss_name::softmax) ||
      model != static_cast<std::int32_t>(fasttext::model_name::sup) || bucket < 0 ||
      (hashed && bucket == 0) || min_char_ngram < 0 || max_char_ngram < 0) {
    throw std::runtime_error("model file has invalid fastText arguments");
  }

  // fasttext::Dictionary::save: size, nwords, nlabels (int32), ntokens, pruneidx_size (int64),
  // then each entry as a zero-terminated word, an int64 count and an int8 type.
  const auto size = cursor.Get<std::int32_t>();
  const auto words = cursor.Get<std::int32_t>();
  const auto labels = cursor.Get<std::int32_t>();
  cursor.Get<std::int64_t>();
  const auto pruned_size = cursor.Get<std::int64_t>();
  // Each entry takes at least 10 bytes, so a size beyond the rest of the bytes is damage.
  constexpr std::uint64_t kMinEntryBytes = 1 + sizeof(std::int64_t) + sizeof(std::int8_t);
  if (size < 0 || words < 0 || labels <= 0 || std::int64_t{words} + labels != size ||
      static_cast<std::uint64_t>(size) > cursor.Remaining() / kMinEntryBytes) {
    throw std::runtime_error("model file has an invalid fastText dictionary size");
  }
  // -1: not pruned. Only quantized models are pruned, and Train never quantizes.
  if (pruned_size != -1) {
    throw std::runtime_error("model file has a pruned fastText dictionary");
  }
  for (std::int32_t i = 0; i < size; ++i) {
    cursor.SkipWord();
    cursor.Skip(sizeof(std::int64_t));
    const auto type = cursor.Get<std::int8_t>();
    if (type != (i < words ? 0 : 1)) {
      throw std::runtime_error("model file has a fastText dictionary entry of the wrong type");
    }
  }

  // A flag for a quantized matrix, then the matrix, for the input and the output matrix.
  if (cursor.Get<std::uint8_t>() != 0) {
    throw std::runtime_error("model file has a quantized fastText input matrix");
  }
  SkipFastTextMatrix(cursor, std::int64_t{words} + bucket, dim, "input");
  if (cursor.Get<std::uint8_t>() != 0) {
    throw std::runtime_error("model file has a quantized fastText output matrix");
  }
  SkipFastTextMatrix(cursor, labels, dim, "output");
  if (cursor.Remaining() != 0) {
    throw std::runtime_error("model file has bytes after its fastText model");
  }
}

fasttext::Args SupervisedArgs(const FastTextOptions& options, int seed) {
  // fasttext::Args() contains the skip-gram defaults. These are what "supervised" sets, plus ours.
  fasttext::Args args;
  args.model = fasttext::model_name::sup;
  args.loss = fasttext::loss_name::softmax;
  args.minCount = 1;
  args.dim = options.dim;
  args.epoch = options.epoch;
  args.lr = options.lr;
  args.wordNgrams = options.word_ngrams;
  args.minn = options.min_char_ngram;
  args.maxn = options.max_char_ngram;
  args.bucket = options.bucket;
  args.thread = 1;
  args.seed = seed;
  args.verbose = 0;
  return args;
}

std::vector<std::string> SplitWords(const std::string& line) {
  std::vector<std::string> words;
  std::istringstream in(line);
  std::string word;
  while (in >> word) {
    words.push_back(word);
  }
  return words;
}

}  // namespace

std::vector<std::string> AugmentLines(const std::vector<std::string>& lines,
                                      std::vector<int>& labels, int copies, unsigned seed) {
  // One draw in ten alters a word. std::mt19937's output is fixed by the C++ standard, unlike
  // the standard distributions, so the augmented lines are the same on every platform.
  constexpr std::uint32_t kOneIn = 10;
  std::vector<std::string> augmented = lines;
  const std::size_t original_count = lines.size();
  std::mt19937 random(seed);
  for (int copy = 0; copy < copies; ++copy) {
    for (std::size_t i = 0; i < original_count; ++i) {
      const auto words = SplitWords(lines[i]);
      std::vector<std::string> remaining;
      for (const auto& word : words) {
        if (random() % kOneIn != 0) {
          remaining.push_back(word);
        }
      }
      if (remaining.empty() && !words.empty()) {
        remaining.push_back(words[random() % words.size()]);
      }
      for (std::size_t w = 0; w + 1 < remaining.size(); ++w) {
        if (random() % kOneIn == 0) {
          std::swap(remaining[w], remaining[w + 1]);
          w += 1;
        }
      }
      std::string line;
      for (const auto& word : remaining) {
        line += line.empty() ? word : " " + word;
      }
      augmented.push_back(std::move(line));
      labels.push_back(labels[i]);
    }
  }
  return augmented;
}

FastTextModel::FastTextModel() = default;
FastTextModel::FastTextModel(FastTextModel&&) noexcept = default;
FastTextModel& FastTextModel::operator=(FastTextModel&&) noexcept = default;
FastTextModel::~FastTextModel() = default;

FastTextModel FastTextModel::Train(const std::vector<std::string>& original_lines,
                                   const std::vector<int>& original_labels, int label_count,
                                   const FastTextOptions& options, int seed) {
  std::vector<int> labels = original_labels;
  const std::vector<std::string> lines =
      AugmentLines(original_lines, labels, options.augment_copies, static_cast<unsigned>(seed));
  TemporaryFile input;
  {
    std::ofstream out(input.Path(), std::ios::binary);
    for (std::size_t i = 0; i < lines.size(); ++i) {
      out << kLabelPrefix << labels[i] << ' ' << lines[i] << '\n';
    }
    if (!out.flush()) {
      throw std::runtime_error("failed to write fastText training input " + input.Path());
    }
  }
  fasttext::Args args = SupervisedArgs(options, seed);
  args.input = input.Path();
  // fastText reads its start vectors from a file in its text format, so the vectors of the
  // training words are copied into one.
  TemporaryFile start_vectors;
  if (!options.pretrained_vectors.empty()) {
    std::set<std::string> vocabulary;
    for (const auto& line : lines) {
      for (auto& word : SplitWords(line)) {
        vocabulary.insert(std::move(word));
      }
    }
    const WordVectors vectors = ReadWordVectors(options.pretrained_vectors, vocabulary);
    if (vectors.dim != options.dim) {
      throw std::invalid_argument("the word vectors in " + options.pretrained_vectors + " have " +
                                  std::to_string(vectors.dim) + " dimensions, but the fastText " +
                                  "dim is " + std::to_string(options.dim) +
                                  ": set the dim to " + std::to_string(vectors.dim));
    }
    std::ofstream out(start_vectors.Path(), std::ios::binary);
    WriteWordVectors(vectors, out);
    if (!out.flush()) {
      throw std::runtime_error("failed to write word vectors to " + start_vectors.Path());
    }
    args.pretrainedVectors = start_vectors.Path();
  }
  FastTextModel model;
  model.fasttext_ = std::make_unique<fasttext::FastText>();
  model.fasttext_->train(args);
  model.MapLabels(label_count);
  return model;
}

void FastTextModel::MapLabels(int label_count) {
  const auto dictionary = fasttext_->getDictionary();
  label_of_output_.assign(dictionary->nlabels(), -1);
  for (int id = 0; id < dictionary->nlabels(); ++id) {
    const std::string name = dictionary->getLabel(id).substr(std::string(kLabelPrefix).size());
    const int label = std::atoi(name.c_str());
    if (label < 0 || label >= label_count) {
      throw std::runtime_error("fastText model has an unknown label " + name);
    }
    label_of_output_[id] = label;
  }
}

std::vector<float> FastTextModel::Probabilities(const std::string& line) const {
  std::vector<float> probabilities(label_of_output_.size(), 0);
  if (line.empty()) {
    return probabilities;
  }
  std::istringstream in(line + "\n");
  std::vector<std::int32_t> words;
  std::vector<std::int32_t> ignored_labels;
  fasttext_->getDictionary()->getLine(in, words, ignored_labels);
  fasttext::Predictions predictions;
  fasttext_->predict(static_cast<std::int32_t>(label_of_output_.size()), words, predictions);
  // predict() returns log-probabilities.
  for (const auto& [log_probability, id] : predictions) {
    probabilities[label_of_output_[id]] = std::exp(log_probability);
  }
  return probabilities;
}

void FastTextModel::Write(std::ostream& out) const {
  TemporaryFile file;
  fasttext_->saveModel(file.Path());
  std::ifstream in(file.Path(), std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  io::PutString(out, bytes);
}

FastTextModel FastTextModel::Read(std::istream& in, int label_count) {
  const std::string model_bytes = io::GetString(in, kMaxModelBytes);
  CheckFastTextLayout(model_bytes);
  std::istringstream bytes(model_bytes);
  io::Get<std::int32_t>(bytes);  // The magic number and version, checked above.
  io::Get<std::int32_t>(bytes);
  FastTextModel model;
  model.fasttext_ = std::make_unique<fasttext::FastText>();
  model.fasttext_->loadModel(bytes);
  model.MapLabels(label_count);
  return model;
}

}  // namespace mobilelink::nlu
