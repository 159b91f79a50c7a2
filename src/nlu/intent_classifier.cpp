#include "mobilelink/nlu/intent_classifier.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <limits>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <stdexcept>
#include <system_error>
#include <unistd.h>

#include "mobilelink/common/log.hpp"
#include "mobilelink/nlu/binary_io.hpp"
#include "mobilelink/nlu/calibration.hpp"
#include "mobilelink/nlu/shuffle.hpp"
#include "mobilelink/nlu/text_normalizer.hpp"
#include "mobilelink/nlu/word_vectors.hpp"

namespace mobilelink::nlu {

namespace {

constexpr char kMagic[8] = {'M', 'L', 'N', 'L', 'U', '0', '0', '6'};
// The format tag, the body size and the body checksum, all before the body.
constexpr std::size_t kHeaderBytes = sizeof kMagic + 2 * sizeof(std::uint64_t);
// A larger file is rejected before it is read into memory. Default models are about 20 MB.
constexpr std::uint64_t kMaxBodyBytes = std::uint64_t{2} << 30;
constexpr std::uint64_t kMaxLabels = 100000;
constexpr std::uint64_t kMaxLabelBytes = 1024;
constexpr std::uint64_t kMaxMembers = 64;

class Fnv64 {
 public:
  void Add(std::string_view bytes) {
    // A terminator keeps ("ab", "c") apart from ("a", "bc").
    hash_ = io::Fnv1a64("\xFF", io::Fnv1a64(bytes, hash_));
  }
  void Add(double value) { Add(std::to_string(value)); }
  [[nodiscard]] std::uint64_t Value() const { return hash_; }

 private:
  std::uint64_t hash_ = io::kFnv64Offset;
};

// Folds of out-of-fold fitting when there is no calibration data, at most.
constexpr int kMaxFolds = 5;

// Returns the number of folds for out-of-fold fitting: kMaxFolds, or the example count of the
// rarest label when smaller, so that every fold holds out an example of every label. Below 2,
// the data cannot be split.
int FoldCount(const std::vector<int>& labels, int label_count) {
  std::vector<int> counts(static_cast<std::size_t>(label_count), 0);
  for (int label : labels) {
    counts[static_cast<std::size_t>(label)] += 1;
  }
  return std::min(kMaxFolds, *std::min_element(counts.begin(), counts.end()));
}

// Returns the fold of each example: each label's examples in an order shuffled by `seed`, dealt
// out to the folds in turn, so that every fold holds out a share of every label.
std::vector<int> AssignFolds(const std::vector<int>& labels, int label_count, int folds, int seed) {
  std::vector<std::vector<std::size_t>> rows_of(static_cast<std::size_t>(label_count));
  for (std::size_t row = 0; row < labels.size(); ++row) {
    rows_of[static_cast<std::size_t>(labels[row])].push_back(row);
  }
  std::mt19937 random(static_cast<std::uint32_t>(seed));
  std::vector<int> fold_of(labels.size(), 0);
  for (auto& rows : rows_of) {
    Shuffle(rows, random);
    for (std::size_t i = 0; i < rows.size(); ++i) {
      fold_of[rows[i]] = static_cast<int>(i % static_cast<std::size_t>(folds));
    }
  }
  return fold_of;
}

}  // namespace

ModelKind ParseModelKind(std::string_view name) {
  if (name == "fasttext") {
    return ModelKind::kFastText;
  }
  if (name == "linear") {
    return ModelKind::kLinear;
  }
  if (name == "ensemble") {
    return ModelKind::kEnsemble;
  }
  throw std::invalid_argument("invalid model kind \"" + std::string(name) +
                              "\": expected fasttext, linear or ensemble");
}

EnsembleFit ParseEnsembleFit(std::string_view name) {
  if (name == "log_loss") {
    return EnsembleFit::kLogLoss;
  }
  if (name == "joint") {
    return EnsembleFit::kJoint;
  }
  throw std::invalid_argument("invalid ensemble fit \"" + std::string(name) +
                              "\": expected log_loss or joint");
}

OutOfScopeRule ParseOutOfScopeRule(std::string_view name) {
  if (name == "top_probability") {
    return OutOfScopeRule::kTopProbability;
  }
  if (name == "two_thresholds") {
    return OutOfScopeRule::kTwoThresholds;
  }
  throw std::invalid_argument("invalid out-of-scope rule \"" + std::string(name) +
                              "\": expected top_probability or two_thresholds");
}

std::uint64_t HashTrainingData(const std::vector<tools::Utterance>& train,
                               const std::vector<tools::Utterance>& calibration,
                               const TrainingOptions& options) {
  Fnv64 hash;
  hash.Add(std::string_view(kMagic, sizeof kMagic));
  for (double value :
       {double(options.kind), double(options.seed), double(options.threshold_objective),
        options.fixed_threshold, double(options.out_of_scope_class), double(options.fasttext.dim),
        double(options.fasttext.epoch), options.fasttext.lr, double(options.fasttext.word_ngrams),
        double(options.fasttext.min_char_ngram), double(options.fasttext.max_char_ngram),
        double(options.fasttext.bucket), double(options.fasttext_models),
        double(options.linear.hash_bits), options.linear.cost, double(options.linear.solver),
        double(options.linear.cross_word_char_ngrams), double(options.linear.word_ngrams),
        double(options.linear.min_char_ngram), double(options.linear.max_char_ngram),
        double(options.linear.word_stems),
        double(options.linear.term_weighting), double(options.linear.l2_normalize),
        double(options.linear.log_count_ratio), double(options.ensemble_fit),
        double(options.out_of_scope_rule), double(options.fasttext.augment_copies),
        double(options.fasttext_temperature), double(options.nearest_neighbour),
        double(options.linear_augment_copies), double(options.embedding.hidden),
        double(options.embedding.epochs), double(options.embedding.learning_rate),
        double(options.embedding.weight_decay), double(options.embedding.batch),
        double(options.embedding.networks), double(options.embedding.vector_learning_rate)}) {
    hash.Add(value);
  }
  // NOTE: only the path of the word vectors is hashed, so a changed file at the same path
  // keeps a saved model.
  hash.Add(options.fasttext.pretrained_vectors);
  hash.Add(options.word_vectors);
  // Models from before out-of-fold fitting kept unfitted scales on the same data.
  hash.Add(std::string_view("fit without calibration: out of fold"));
  hash.Add(std::to_string(options.extra_solvers.size()));
  for (LinearSolver solver : options.extra_solvers) {
    hash.Add(double(solver));
  }
  hash.Add(std::to_string(options.costs.size()));
  for (double cost : options.costs) {
    hash.Add(cost);
  }
  for (const auto* split : {&train, &calibration}) {
    hash.Add(std::to_string(split->size()));
    for (const auto& example : *split) {
      hash.Add(example.text);
      hash.Add(example.label);
    }
  }
  return hash.Value();
}

IntentClassifier IntentClassifier::Train(const std::vector<tools::Utterance>& all_train,
                                         const std::vector<tools::Utterance>& calibration,
                                         const TrainingOptions& options) {
  IntentClassifier classifier;
  classifier.kind_ = options.kind;
  classifier.data_hash_ = HashTrainingData(all_train, calibration, options);
  std::vector<tools::Utterance> train;
  for (const auto& example : all_train) {
    if (options.out_of_scope_class || example.label != kOutOfScope) {
      train.push_back(example);
    }
  }
  std::map<std::string, int> index_of;
  for (const auto& example : train) {
    index_of.emplace(example.label, 0);
  }
  if (index_of.size() < 2) {
    throw std::invalid_argument("training data needs at least two labels, found " +
                                std::to_string(index_of.size()));
  }
  for (auto& [label, index] : index_of) {
    index = static_cast<int>(classifier.labels_.size());
    classifier.labels_.push_back(label);
    if (label == kOutOfScope) {
      classifier.out_of_scope_label_ = index;
    }
  }

  std::vector<std::vector<std::string>> tokens;
  std::vector<std::string> lines;
  std::vector<int> labels;
  for (const auto& example : train) {
    tokens.push_back(NormalizeTokens(example.text));
    lines.push_back(NormalizeText(example.text));
    labels.push_back(index_of.at(example.label));
  }
  const int label_count = static_cast<int>(classifier.labels_.size());
  const int folds = calibration.empty() ? FoldCount(labels, label_count) : 0;
  const bool fitted = !calibration.empty() || folds >= 2;
  // Without calibration data or folds nothing can choose among candidate C values.
  const std::vector<double> costs =
      options.costs.empty() || !fitted ? std::vector<double>{options.linear.cost} : options.costs;
  auto candidates = classifier.TrainMembers(tokens, lines, labels, costs, fitted, options);
  if (folds < 2) {
    Calibration::Run(classifier, std::move(candidates), costs, calibration, options);
    return classifier;
  }

  const std::vector<int> fold_of = AssignFolds(labels, label_count, folds, options.seed);
  MemberOutputs outputs;
  std::vector<tools::Utterance> held_out;
  for (int fold = 0; fold < folds; ++fold) {
    IntentClassifier part;
    part.kind_ = classifier.kind_;
    part.labels_ = classifier.labels_;
    part.out_of_scope_label_ = classifier.out_of_scope_label_;
    std::vector<std::vector<std::string>> part_tokens;
    std::vector<std::string> part_lines;
    std::vector<int> part_labels;
    std::vector<tools::Utterance> part_held_out;
    for (std::size_t row = 0; row < train.size(); ++row) {
      if (fold_of[row] == fold) {
        part_held_out.push_back(train[row]);
      } else {
        part_tokens.push_back(tokens[row]);
        part_lines.push_back(lines[row]);
        part_labels.push_back(labels[row]);
      }
    }
    const auto part_candidates =
        part.TrainMembers(part_tokens, part_lines, part_labels, costs, true, options);
    outputs.Append(Calibration::Score(part, part_candidates, part_held_out));
    held_out.insert(held_out.end(), part_held_out.begin(), part_held_out.end());
  }
  Calibration::Fit(classifier, std::move(candidates), costs, outputs, held_out, options);
  return classifier;
}

std::vector<std::vector<LinearModel>> IntentClassifier::TrainMembers(
    const std::vector<std::vector<std::string>>& tokens, const std::vector<std::string>& lines,
    const std::vector<int>& labels, const std::vector<double>& costs, bool fitted,
    const TrainingOptions& options) {
  const int label_count = static_cast<int>(labels_.size());
  if (options.kind != ModelKind::kLinear) {
    if (options.fasttext_models < 1) {
      throw std::invalid_argument("fasttext_models must be at least 1");
    }
    for (int i = 0; i < options.fasttext_models; ++i) {
      fasttext_.push_back(
          FastTextModel::Train(lines, labels, label_count, options.fasttext, options.seed + i));
    }
  }
  // candidates[member][i] is that linear member trained with the i-th candidate C.
  std::vector<std::vector<LinearModel>> candidates;
  std::vector<std::vector<std::string>> linear_tokens = tokens;
  std::vector<int> linear_labels = labels;
  if (options.linear_augment_copies > 0) {
    const auto augmented = AugmentLines(lines, linear_labels, options.linear_augment_copies,
                                        static_cast<unsigned>(options.seed + 1));
    for (std::size_t i = lines.size(); i < augmented.size(); ++i) {
      std::vector<std::string> words;
      std::istringstream in(augmented[i]);
      for (std::string word; in >> word;) {
        words.push_back(word);
      }
      linear_tokens.push_back(std::move(words));
    }
  }
  if (options.kind != ModelKind::kFastText) {
    std::vector<LinearSolver> solvers{options.linear.solver};
    solvers.insert(solvers.end(), options.extra_solvers.begin(), options.extra_solvers.end());
    for (LinearSolver solver : solvers) {
      candidates.emplace_back();
      for (double cost : costs) {
        LinearOptions linear = options.linear;
        linear.solver = solver;
        linear.cost = cost;
        candidates.back().push_back(LinearModel::Train(linear_tokens, linear_labels, label_count,
                                                       linear, static_cast<unsigned>(options.seed)));
      }
    }
  }
  // When nothing is fitted, nothing fits the neighbour model's scale and weight, and an equal
  // share of its unscaled, nearly uniform softmax would only flatten the probabilities.
  if (options.nearest_neighbour && options.kind != ModelKind::kFastText && fitted) {
    neighbour_ = NeighbourModel::Train(tokens, labels, label_count);
  }
  if (!options.word_vectors.empty() && options.kind != ModelKind::kFastText && fitted) {
    std::set<std::string> vocabulary;
    for (const auto& words : tokens) {
      vocabulary.insert(words.begin(), words.end());
    }
    embedding_ = EmbeddingModel::Train(tokens, labels, label_count,
                                       ReadWordVectors(options.word_vectors, vocabulary),
                                       options.embedding, static_cast<unsigned>(options.seed));
  }
  return candidates;
}

std::vector<std::vector<float>> IntentClassifier::MemberProbabilities(
    const std::vector<std::string>& tokens) const {
  std::vector<std::vector<float>> members;
  if (!fasttext_.empty()) {
    std::string line;
    for (const auto& token : tokens) {
      line += line.empty() ? token : " " + token;
    }
    members.push_back(Sharpen(AverageFastText(fasttext_, line), fasttext_power_));
  }
  for (std::size_t i = 0; i < linear_.size(); ++i) {
    members.push_back(Softmax(linear_[i].Scores(tokens), linear_scales_[i]));
  }
  if (neighbour_) {
    members.push_back(Softmax(neighbour_->Scores(tokens), neighbour_scale_));
  }
  if (embedding_) {
    members.push_back(Softmax(embedding_->Scores(tokens), embedding_scale_));
  }
  return members;
}

std::vector<float> IntentClassifier::Probabilities(const std::vector<std::string>& tokens) const {
  const auto members = MemberProbabilities(tokens);
  std::vector<float> probabilities(labels_.size(), 0);
  for (std::size_t m = 0; m < members.size(); ++m) {
    for (std::size_t i = 0; i < probabilities.size(); ++i) {
      probabilities[i] += weights_[m] * members[m][i];
    }
  }
  return probabilities;
}

double IntentClassifier::FastTextWeight() const {
  return fasttext_.empty() || weights_.empty() ? 0 : weights_.front();
}

std::vector<double> IntentClassifier::Costs() const { return linear_costs_; }

Prediction IntentClassifier::Predict(std::string_view text) const {
  const auto tokens = NormalizeTokens(text);
  if (tokens.empty()) {
    return {std::string(kOutOfScope), 0, ""};
  }
  const auto probabilities = Probabilities(tokens);
  int top = -1;
  int top_in_scope = -1;
  for (int i = 0; i < static_cast<int>(probabilities.size()); ++i) {
    if (top < 0 || probabilities[i] > probabilities[top]) {
      top = i;
    }
    if (i != out_of_scope_label_ &&
        (top_in_scope < 0 || probabilities[i] > probabilities[top_in_scope])) {
      top_in_scope = i;
    }
  }
  Prediction prediction;
  prediction.best_in_scope = labels_[top_in_scope];
  prediction.confidence = probabilities[top_in_scope];
  const bool out_of_scope =
      top == out_of_scope_label_ || probabilities[top] < threshold_ ||
      (out_of_scope_label_ >= 0 && probabilities[out_of_scope_label_] >= out_of_scope_threshold_);
  prediction.intent = out_of_scope ? std::string(kOutOfScope) : labels_[top];
  return prediction;
}

bot::IntentResult IntentClassifier::Detect(std::string_view text) const {
  const Prediction prediction = Predict(text);
  return {prediction.intent, prediction.confidence};
}

namespace {

// Linux's limit on symbolic links followed in one path lookup (MAXSYMLINKS).
constexpr int kMaxSymbolicLinks = 40;
// Attempts at a fresh temporary name before Save gives up. Each name has 36^6 values, so a
// second attempt is already rare.
constexpr int kMaxTemporaryNameAttempts = 100;

std::string ErrnoMessage(int error) { return std::system_category().message(error); }

// Returns `path` with the symbolic links of its last component followed, so that a save
// replaces the link's target and leaves the link in place. A dangling link resolves to its
// missing target. Throws std::runtime_error for a loop or an unreadable link.
std::filesystem::path ResolveModelPath(const std::filesystem::path& path) {
  std::filesystem::path resolved = path;
  for (int links = 0; links <= kMaxSymbolicLinks; ++links) {
    std::error_code error;
    if (!std::filesystem::is_symlink(std::filesystem::symlink_status(resolved, error))) {
      return resolved;
    }
    const auto target = std::filesystem::read_symlink(resolved, error);
    if (error) {
      throw std::runtime_error("failed to read the symbolic link " + resolved.string() +
                               " of the intent model path: " + error.message());
    }
    resolved = target.is_absolute() ? target : resolved.parent_path() / target;
  }
  throw std::runtime_error(
      "intent model path " + path.string() + " is a loop or a chain of more than " +
      std::to_string(kMaxSymbolicLinks) + " symbolic links; point it at a regular file");
}

// Returns how messages name the model path: `path` itself, or the requested link and its target.
std::string DescribeModelPath(const std::filesystem::path& requested,
                              const std::filesystem::path& path) {
  if (requested == path) {
    return path.string();
  }
  return requested.string() + " (a symbolic link to " + path.string() + ")";
}

// Checks, before anything is trained, that a model can be written at `path`, the resolved form
// of `requested`. The path must be a regular file or missing, so that nothing blocks on a FIFO
// or reads a device without end, and its directory must exist.
void CheckModelTarget(const std::filesystem::path& requested, const std::filesystem::path& path) {
  std::error_code error;
  const auto status = std::filesystem::status(path, error);
  if (std::filesystem::exists(status) && !std::filesystem::is_regular_file(status)) {
    std::string message = "intent model path " + DescribeModelPath(requested, path) + " is " +
                          tools::FileTypeName(status.type());
    if (std::filesystem::is_directory(status)) {
      message += "; name a file in it instead, such as " + (path / "bot.intent-model").string();
    } else {
      message += "; name a regular file or a path that does not exist yet";
    }
    throw std::runtime_error(message);
  }
  std::filesystem::path parent = path.parent_path();
  if (parent.empty()) {
    parent = ".";
  }
  if (!std::filesystem::is_directory(parent, error)) {
    throw std::runtime_error("directory " + parent.string() + " of the intent model path " +
                             DescribeModelPath(requested, path) +
                             " does not exist; create it or choose another path");
  }
}

// A new temporary file next to the model, removed on destruction unless committed.
class TemporaryModelFile {
 public:
  // Creates `PATH.tmp-XXXXXX` with a random suffix. O_EXCL and O_NOFOLLOW make the creation
  // fail rather than reuse an existing file or follow a link planted under that name, so
  // concurrent writers each get a file of their own.
  explicit TemporaryModelFile(const std::filesystem::path& path) {
    static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    thread_local std::mt19937_64 random(std::random_device{}());
    for (int attempt = 0; attempt < kMaxTemporaryNameAttempts; ++attempt) {
      std::string name = path.filename().string() + ".tmp-";
      for (int i = 0; i < 6; ++i) {
        name += kAlphabet[random() % (sizeof kAlphabet - 1)];
      }
      path_ = path.parent_path() / name;
      fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
      if (fd_ >= 0) {
        return;
      }
      const int error = errno;
      if (error != EEXIST) {
        const std::filesystem::path directory =
            path.parent_path().empty() ? std::filesystem::path(".") : path.parent_path();
        throw std::runtime_error("failed to create a temporary file in " + directory.string() +
                                 " for the intent model " + path.string() + ": " +
                                 ErrnoMessage(error) +
                                 "; make the directory writable or choose another path");
      }
    }
    throw std::runtime_error("failed to find an unused temporary file name for the intent model " +
                             path.string() + " after " + std::to_string(kMaxTemporaryNameAttempts) +
                             " attempts");
  }
  TemporaryModelFile(const TemporaryModelFile&) = delete;
  TemporaryModelFile& operator=(const TemporaryModelFile&) = delete;
  ~TemporaryModelFile() {
    if (fd_ >= 0) {
      ::close(fd_);
    }
    if (!committed_) {
      ::unlink(path_.c_str());
    }
  }

  // Writes all of `bytes`, retrying short writes.
  void Write(std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t written = ::write(fd_, bytes.data(), bytes.size());
      const int error = errno;
      if (written < 0 && error == EINTR) {
        continue;
      }
      if (written < 0) {
        Fail("failed to write " + path_.string(), error);
      }
      bytes.remove_prefix(static_cast<std::size_t>(written));
    }
  }

  // Flushes the file to disk, closes it and renames it over `target`.
  void Commit(const std::filesystem::path& target) {
    if (::fsync(fd_) != 0) {
      const int error = errno;
      Fail("failed to flush " + path_.string() + " to disk", error);
    }
    const int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) {
      const int error = errno;
      Fail("failed to write " + path_.string(), error);
    }
    if (::rename(path_.c_str(), target.c_str()) != 0) {
      const int error = errno;
      Fail("failed to rename " + path_.string() + " to " + target.string(), error);
    }
    committed_ = true;
  }

 private:
  // `error` is the errno of the failed call, read before `what` was built.
  [[noreturn]] static void Fail(const std::string& what, int error) {
    throw std::runtime_error(what + ": " + ErrnoMessage(error) +
                             "; free disk space, make the directory writable or choose "
                             "another path");
  }

  std::filesystem::path path_;
  int fd_ = -1;
  bool committed_ = false;
};

// Writes the header and `body` to a new temporary file, flushes it to disk and renames it over
// `path`, so that a reader sees the old model or the new one and never a part. The last of
// concurrent writers wins. The temporary file is removed when any step fails.
void WriteModelFile(const std::filesystem::path& path, const std::string& body) {
  std::ostringstream header;
  header.write(kMagic, sizeof kMagic);
  io::Put<std::uint64_t>(header, body.size());
  io::Put<std::uint64_t>(header, io::Fnv1a64(body));
  TemporaryModelFile temporary(path);
  temporary.Write(header.str());
  temporary.Write(body);
  temporary.Commit(path);
  // The rename is durable once the directory reaches the disk. A failure here is not
  // reported, because the new model is in place and only a power loss could undo it.
  std::filesystem::path directory = path.parent_path().empty() ? "." : path.parent_path();
  const int directory_fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (directory_fd >= 0) {
    ::fsync(directory_fd);
    ::close(directory_fd);
  }
}

// A file of an earlier format, which LoadOrTrain replaces without a warning.
class OlderFormatError final : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Opens the model file at `path`, checks its format tag and sets `file_size` to the size of
// the open file, so that a concurrent rename cannot pair the size of one file with another.
std::ifstream OpenModel(const std::filesystem::path& path, std::uint64_t& file_size) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) {
    throw std::runtime_error("model file not found or not a regular file: " + path.string());
  }
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) {
    throw std::runtime_error("failed to open model file: " + path.string());
  }
  file_size = static_cast<std::uint64_t>(in.tellg());
  in.seekg(0);
  char magic[sizeof kMagic] = {};
  if (file_size < sizeof magic || !in.read(magic, sizeof magic)) {
    throw std::runtime_error("model file is truncated: it has " + std::to_string(file_size) +
                             " bytes, and the header alone has " + std::to_string(kHeaderBytes) +
                             ": " + path.string());
  }
  if (std::memcmp(magic, kMagic, sizeof kMagic) != 0) {
    // Tags MLNLU000 to MLNLU005 are earlier formats, and anything else is damage or another
    // kind of file.
    const bool older = std::memcmp(magic, kMagic, sizeof kMagic - 1) == 0 &&
                       magic[sizeof kMagic - 1] >= '0' &&
                       magic[sizeof kMagic - 1] < kMagic[sizeof kMagic - 1];
    if (older) {
      throw OlderFormatError("model file has the earlier format " +
                             std::string(magic, sizeof magic) + ": " + path.string());
    }
    throw std::runtime_error("not a Mobile Link intent model of format " +
                             std::string(kMagic, sizeof kMagic) + ": " + path.string());
  }
  if (file_size < kHeaderBytes) {
    throw std::runtime_error("model file is truncated: it has " + std::to_string(file_size) +
                             " bytes, and the header alone has " + std::to_string(kHeaderBytes) +
                             ": " + path.string());
  }
  return in;
}

// Reads the body of the model file at `path` and checks its size and checksum, so that no
// damaged byte reaches a parser. Throws std::runtime_error otherwise.
std::string ReadCheckedBody(const std::filesystem::path& path) {
  std::uint64_t file_size = 0;
  auto in = OpenModel(path, file_size);
  const auto size = io::Get<std::uint64_t>(in);
  const auto checksum = io::Get<std::uint64_t>(in);
  if (size > kMaxBodyBytes || file_size != kHeaderBytes + size) {
    throw std::runtime_error("model file is damaged: its header gives a body of " +
                             std::to_string(size) + " bytes, the file has " +
                             std::to_string(file_size - kHeaderBytes) + ": " + path.string());
  }
  std::string body(size, '\0');
  if (!in.read(body.data(), static_cast<std::streamsize>(size))) {
    throw std::runtime_error("model file is truncated: " + path.string());
  }
  if (io::Fnv1a64(body) != checksum) {
    throw std::runtime_error("model file is damaged: the body checksum does not match: " +
                             path.string());
  }
  return body;
}

// Fails unless `value` is finite and not negative, as a threshold or weight must be.
void CheckNonNegative(double value, const char* name) {
  if (!std::isfinite(value) || value < 0) {
    throw std::runtime_error(std::string("model file has an invalid ") + name + " " +
                             std::to_string(value));
  }
}

// Fails unless `value` is finite and positive, as a softmax scale, power or C must be.
void CheckScale(double value, const char* name) {
  if (!std::isfinite(value) || value <= 0) {
    throw std::runtime_error(std::string("model file has an invalid ") + name + " " +
                             std::to_string(value));
  }
}

}  // namespace

void IntentClassifier::Save(const std::filesystem::path& requested) const {
  const std::filesystem::path path = ResolveModelPath(requested);
  CheckModelTarget(requested, path);

  std::ostringstream out;
  io::Put<std::uint64_t>(out, data_hash_);
  io::Put<std::int32_t>(out, static_cast<std::int32_t>(kind_));
  io::Put<std::uint64_t>(out, labels_.size());
  for (const auto& label : labels_) {
    io::PutString(out, label);
  }
  io::Put<std::int32_t>(out, out_of_scope_label_);
  io::Put<float>(out, threshold_);
  io::Put<float>(out, out_of_scope_threshold_);
  io::PutVector(out, weights_);
  io::Put<std::uint64_t>(out, fasttext_.size());
  io::Put<float>(out, fasttext_power_);
  for (const auto& model : fasttext_) {
    model.Write(out);
  }
  io::Put<std::uint64_t>(out, linear_.size());
  for (std::size_t i = 0; i < linear_.size(); ++i) {
    io::Put<float>(out, linear_scales_[i]);
    io::Put<double>(out, linear_costs_[i]);
    linear_[i].Write(out);
  }
  io::Put<std::uint8_t>(out, neighbour_ ? 1 : 0);
  if (neighbour_) {
    io::Put<float>(out, neighbour_scale_);
    neighbour_->Write(out);
  }
  io::Put<std::uint8_t>(out, embedding_ ? 1 : 0);
  if (embedding_) {
    io::Put<float>(out, embedding_scale_);
    embedding_->Write(out);
  }
  WriteModelFile(path, std::move(out).str());
}

std::optional<std::uint64_t> IntentClassifier::ReadDataHash(const std::filesystem::path& path) {
  try {
    std::uint64_t file_size = 0;
    auto in = OpenModel(ResolveModelPath(path), file_size);
    io::Get<std::uint64_t>(in);  // The body size.
    io::Get<std::uint64_t>(in);  // The body checksum.
    return io::Get<std::uint64_t>(in);
  } catch (const std::runtime_error&) {
    return std::nullopt;
  }
}

IntentClassifier IntentClassifier::Load(const std::filesystem::path& requested) {
  const std::filesystem::path path = ResolveModelPath(requested);
  return FromBody(ReadCheckedBody(path), path);
}

IntentClassifier IntentClassifier::FromBody(std::string_view body,
                                            const std::filesystem::path& path) {
  try {
    return ParseBody(body);
  } catch (const std::runtime_error& error) {
    throw std::runtime_error(std::string(error.what()) + ": " + path.string());
  } catch (const std::exception& error) {
    // fastText's loader and the standard library throw others, such as std::bad_alloc or
    // std::out_of_range, on a body that passed the checks above.
    throw std::runtime_error(std::string("model file cannot be parsed (") + error.what() +
                             "): " + path.string());
  }
}

IntentClassifier IntentClassifier::ParseBody(std::string_view body) {
  io::MemoryBuffer buffer(body);
  std::istream in(&buffer);
  IntentClassifier classifier;
  classifier.data_hash_ = io::Get<std::uint64_t>(in);
  const auto kind = io::Get<std::int32_t>(in);
  if (kind < 0 || kind > static_cast<std::int32_t>(ModelKind::kEnsemble)) {
    throw std::runtime_error("model file has an invalid model kind");
  }
  classifier.kind_ = static_cast<ModelKind>(kind);
  const auto label_count = io::Get<std::uint64_t>(in);
  if (label_count < 2 || label_count > kMaxLabels) {
    throw std::runtime_error("model file has an invalid label count");
  }
  for (std::uint64_t i = 0; i < label_count; ++i) {
    classifier.labels_.push_back(io::GetString(in, kMaxLabelBytes));
  }
  classifier.out_of_scope_label_ = io::Get<std::int32_t>(in);
  if (classifier.out_of_scope_label_ < -1 ||
      classifier.out_of_scope_label_ >= static_cast<std::int32_t>(label_count)) {
    throw std::runtime_error("model file has an invalid oos label index");
  }
  classifier.threshold_ = io::Get<float>(in);
  CheckNonNegative(classifier.threshold_, "threshold");
  classifier.out_of_scope_threshold_ = io::Get<float>(in);
  CheckNonNegative(classifier.out_of_scope_threshold_, "oos threshold");
  classifier.weights_ = io::GetVector<float>(in, kMaxMembers);
  for (float weight : classifier.weights_) {
    CheckNonNegative(weight, "ensemble weight");
  }
  const auto fasttext_count = io::Get<std::uint64_t>(in);
  if (fasttext_count > kMaxMembers) {
    throw std::runtime_error("model file has an invalid fastText model count");
  }
  classifier.fasttext_power_ = io::Get<float>(in);
  CheckScale(classifier.fasttext_power_, "fastText power");
  for (std::uint64_t i = 0; i < fasttext_count; ++i) {
    classifier.fasttext_.push_back(FastTextModel::Read(in, static_cast<int>(label_count)));
  }
  const auto linear_count = io::Get<std::uint64_t>(in);
  if (linear_count > kMaxMembers) {
    throw std::runtime_error("model file has an invalid linear model count");
  }
  for (std::uint64_t i = 0; i < linear_count; ++i) {
    classifier.linear_scales_.push_back(io::Get<float>(in));
    CheckScale(classifier.linear_scales_.back(), "linear model scale");
    classifier.linear_costs_.push_back(io::Get<double>(in));
    CheckScale(classifier.linear_costs_.back(), "linear model C");
    classifier.linear_.push_back(LinearModel::Read(in));
    if (classifier.linear_.back().LabelCount() != static_cast<int>(label_count)) {
      throw std::runtime_error("model file has a linear model for other labels");
    }
  }
  if (io::Get<std::uint8_t>(in) != 0) {
    classifier.neighbour_scale_ = io::Get<float>(in);
    CheckScale(classifier.neighbour_scale_, "neighbour model scale");
    classifier.neighbour_ = NeighbourModel::Read(in);
    if (classifier.neighbour_->LabelCount() != static_cast<int>(label_count)) {
      throw std::runtime_error("model file has a neighbour model for other labels");
    }
  }
  if (io::Get<std::uint8_t>(in) != 0) {
    classifier.embedding_scale_ = io::Get<float>(in);
    CheckScale(classifier.embedding_scale_, "embedding model scale");
    classifier.embedding_ = EmbeddingModel::Read(in);
    if (classifier.embedding_->LabelCount() != static_cast<int>(label_count)) {
      throw std::runtime_error("model file has an embedding model for other labels");
    }
  }
  const std::size_t members = (fasttext_count > 0 ? 1 : 0) + linear_count +
                              (classifier.neighbour_ ? 1 : 0) + (classifier.embedding_ ? 1 : 0);
  if (members == 0) {
    throw std::runtime_error("model file contains no model");
  }
  if (classifier.weights_.size() != members) {
    throw std::runtime_error("model file has " + std::to_string(classifier.weights_.size()) +
                             " ensemble weights for " + std::to_string(members) + " members");
  }
  if (in.peek() != std::char_traits<char>::eof()) {
    throw std::runtime_error("model file has bytes after its last model");
  }
  return classifier;
}

IntentClassifier LoadOrTrain(const std::filesystem::path& requested,
                             const std::vector<tools::Utterance>& train,
                             const std::vector<tools::Utterance>& calibration,
                             const TrainingOptions& options, bool* retrained) {
  const std::filesystem::path path = ResolveModelPath(requested);
  CheckModelTarget(requested, path);
  const std::uint64_t expected = HashTrainingData(train, calibration, options);
  std::error_code error;
  if (std::filesystem::exists(path, error)) {
    try {
      // The checksum is checked first, so a damaged file whose data hash still matches is
      // never parsed. The body is parsed from the bytes read here, so a concurrent save cannot
      // swap in another model between the hash check and the parse.
      const std::string body = ReadCheckedBody(path);
      std::uint64_t hash = 0;
      std::memcpy(&hash, body.data(), std::min(body.size(), sizeof hash));
      if (hash == expected) {
        auto loaded = IntentClassifier::FromBody(body, path);
        if (retrained != nullptr) {
          *retrained = false;
        }
        return loaded;
      }
      Logger("nlu")->info("intent model trained on other examples or options, training it again "
                          "path={}",
                          path.string());
    } catch (const OlderFormatError& older) {
      Logger("nlu")->info("intent model has an earlier format, training it again path={} "
                          "error=\"{}\"",
                          path.string(), older.what());
    } catch (const std::exception& damaged) {
      // The file is derived from the examples, so a damaged one is replaced, not repaired.
      // Any exception counts, because a body with a valid checksum may still be malformed.
      Logger("nlu")->warn("intent model unreadable, training it again path={} error=\"{}\"",
                          path.string(), damaged.what());
    }
  }
  auto classifier = IntentClassifier::Train(train, calibration, options);
  classifier.Save(path);
  if (retrained != nullptr) {
    *retrained = true;
  }
  return classifier;
}

}  // namespace mobilelink::nlu
