#include "mobilelink/nlu/fasttext_model.hpp"

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <fasttext/fasttext.h>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <stdexcept>
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
  std::istringstream bytes(io::GetString(in, kMaxModelBytes));
  if (io::Get<std::int32_t>(bytes) != kFastTextMagic ||
      io::Get<std::int32_t>(bytes) != kFastTextVersion) {
    throw std::runtime_error("model file does not contain a fastText 0.9.2 model");
  }
  FastTextModel model;
  model.fasttext_ = std::make_unique<fasttext::FastText>();
  model.fasttext_->loadModel(bytes);
  model.MapLabels(label_count);
  return model;
}

}  // namespace mobilelink::nlu
