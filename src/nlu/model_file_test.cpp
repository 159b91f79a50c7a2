// The intent model file: damage detection, the checks on the model path, and the temporary
// file.

#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <stdexcept>
#include <string>
#include <sys/resource.h>
#include <sys/stat.h>
#include <vector>

#include <gtest/gtest.h>
#include <spdlog/sinks/ringbuffer_sink.h>

#include "mobilelink/common/log.hpp"
#include "mobilelink/nlu/intent_classifier.hpp"

namespace mobilelink::nlu {
namespace {

const std::filesystem::path kTestData =
    std::filesystem::path(MOBILELINK_SOURCE_DIR) / "src/nlu/testdata";

// A small ensemble (fastText and a linear model) that trains in well under a second.
TrainingOptions SmallOptions() {
  TrainingOptions options;
  options.seed = 7;
  options.fasttext.dim = 8;
  options.fasttext.epoch = 20;
  options.fasttext.bucket = 2000;
  options.linear.hash_bits = 10;
  return options;
}

std::vector<tools::Utterance> TrainData() {
  return tools::ReadUtterances(kTestData / "intents_train.csv");
}

class ModelFile : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "model-file-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    path_ = dir_ / "bot.intent-model";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  static std::string ReadBytes(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }

  static void WriteBytes(const std::filesystem::path& path, const std::string& bytes) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
  }

  // Returns the message of the std::runtime_error that `call` throws.
  template <typename Call>
  static std::string RuntimeErrorOf(Call call) {
    try {
      call();
    } catch (const std::runtime_error& error) {
      return error.what();
    }
    ADD_FAILURE() << "no std::runtime_error";
    return {};
  }

  std::filesystem::path dir_;
  std::filesystem::path path_;
};

// Captures the lines that the nlu logger writes while it lives.
class NluLogCapture {
 public:
  NluLogCapture() : sink_(std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(64)) {
    Logger("nlu")->sinks().push_back(sink_);
  }
  ~NluLogCapture() { Logger("nlu")->sinks().pop_back(); }

  [[nodiscard]] std::size_t Count(spdlog::level::level_enum level) const {
    std::size_t count = 0;
    for (const auto& message : sink_->last_raw()) {
      count += message.level == level ? 1 : 0;
    }
    return count;
  }

 private:
  std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> sink_;
};

// Returns the offset of fastText's own file header in a saved model, or npos.
std::size_t FastTextOffset(const std::string& bytes) {
  const std::int32_t magic = 793712314;  // fastText 0.9.2's file magic number.
  return bytes.find(std::string(reinterpret_cast<const char*>(&magic), sizeof magic));
}

// Offsets at which a damaged byte must be detected: every byte of the header and the first
// labels, every byte of fastText's header and dictionary start, then a stride to the end.
std::vector<std::size_t> DamageOffsets(const std::string& bytes) {
  std::vector<std::size_t> offsets;
  for (std::size_t offset = 0; offset < 128; ++offset) {
    offsets.push_back(offset);
  }
  const std::size_t fasttext = FastTextOffset(bytes);
  for (std::size_t offset = fasttext; offset < fasttext + 400; ++offset) {
    offsets.push_back(offset);
  }
  for (std::size_t offset = 128; offset < bytes.size(); offset += 997) {
    offsets.push_back(offset);
  }
  offsets.push_back(bytes.size() - 1);
  return offsets;
}

TEST_F(ModelFile, ByteFlipRejectedAtManyOffsets) {
  IntentClassifier::Train(TrainData(), {}, SmallOptions()).Save(path_);
  const std::string original = ReadBytes(path_);
  ASSERT_NE(FastTextOffset(original), std::string::npos);
  for (std::size_t offset : DamageOffsets(original)) {
    std::string damaged = original;
    damaged[offset] = static_cast<char>(damaged[offset] ^ 0x5A);
    WriteBytes(path_, damaged);
    EXPECT_THROW(IntentClassifier::Load(path_), std::runtime_error) << "offset " << offset;
  }
}

TEST_F(ModelFile, LargeCountInFastTextRejected) {
  IntentClassifier::Train(TrainData(), {}, SmallOptions()).Save(path_);
  const std::string original = ReadBytes(path_);
  const std::size_t fasttext = FastTextOffset(original);
  ASSERT_NE(fasttext, std::string::npos);
  // fastText's loader trusts the counts in its header and dictionary, so such a value would
  // crash it or make it allocate without bound if it reached the loader.
  for (std::size_t offset = fasttext; offset < fasttext + 200; offset += 4) {
    std::string damaged = original;
    damaged.replace(offset, 4, "\xff\xff\xff\x7f");
    WriteBytes(path_, damaged);
    EXPECT_EQ(RuntimeErrorOf([&] { IntentClassifier::Load(path_); }),
              "model file is damaged: the body checksum does not match: " + path_.string())
        << "offset " << offset;
  }
}

TEST_F(ModelFile, DamagedFileRetrainedWithWarning) {
  const auto train = TrainData();
  bool retrained = false;
  LoadOrTrain(path_, train, {}, SmallOptions(), &retrained);
  ASSERT_TRUE(retrained);
  const std::string original = ReadBytes(path_);
  const std::size_t fasttext = FastTextOffset(original);
  ASSERT_NE(fasttext, std::string::npos);
  // The tag, the body size, the checksum, the data hash, fastText's part and the last byte.
  for (std::size_t offset : {std::size_t{0}, std::size_t{9}, std::size_t{17}, std::size_t{25},
                             fasttext + 8, fasttext + 212, original.size() - 1}) {
    std::string damaged = original;
    damaged[offset] = static_cast<char>(damaged[offset] ^ 0x01);
    WriteBytes(path_, damaged);
    NluLogCapture log;
    retrained = false;
    const auto classifier = LoadOrTrain(path_, train, {}, SmallOptions(), &retrained);
    EXPECT_TRUE(retrained) << "offset " << offset;
    EXPECT_EQ(log.Count(spdlog::level::warn), 1u) << "offset " << offset;
    EXPECT_TRUE(ReadBytes(path_) == original) << "offset " << offset;
    EXPECT_EQ(classifier.Predict("please refund my order").intent, "refund");
  }
}

TEST_F(ModelFile, EarlierFormatRetrainsWithoutWarning) {
  const auto train = TrainData();
  LoadOrTrain(path_, train, {}, SmallOptions());
  std::string older = ReadBytes(path_);
  older.replace(0, 8, "MLNLU005");
  WriteBytes(path_, older);
  NluLogCapture log;
  bool retrained = false;
  LoadOrTrain(path_, train, {}, SmallOptions(), &retrained);
  EXPECT_TRUE(retrained);
  EXPECT_EQ(log.Count(spdlog::level::warn), 0u);
  EXPECT_EQ(log.Count(spdlog::level::info), 1u);
}

TEST_F(ModelFile, TrailingBytesRejected) {
  IntentClassifier::Train(TrainData(), {}, SmallOptions()).Save(path_);
  std::string bytes = ReadBytes(path_);
  // Extend the body by one byte and fix the size and checksum, as a writer that appended
  // data would.
  bytes.push_back('\0');
  const std::string body = bytes.substr(24);
  std::uint64_t size = body.size();
  std::uint64_t checksum = 14695981039346656037ull;
  for (char c : body) {
    checksum ^= static_cast<unsigned char>(c);
    checksum *= 1099511628211ull;
  }
  std::memcpy(bytes.data() + 8, &size, sizeof size);
  std::memcpy(bytes.data() + 16, &checksum, sizeof checksum);
  WriteBytes(path_, bytes);
  EXPECT_EQ(RuntimeErrorOf([&] { IntentClassifier::Load(path_); }),
            "model file has bytes after its last model: " + path_.string());
}

// One label only: Train would throw std::invalid_argument, so a std::runtime_error about the
// path shows that the path was checked before training.
std::vector<tools::Utterance> OneLabel() { return {{"hello", "greeting"}, {"hi", "greeting"}}; }

TEST_F(ModelFile, DirectoryPathRejectedBeforeTraining) {
  const auto target = dir_ / "models";
  std::filesystem::create_directory(target);
  EXPECT_EQ(RuntimeErrorOf([&] { LoadOrTrain(target, OneLabel(), {}, SmallOptions()); }),
            "intent model path " + target.string() +
                " is a directory; name a file in it instead, such as " +
                (target / "bot.intent-model").string());
  EXPECT_FALSE(std::filesystem::exists(target.string() + ".tmp"));
  EXPECT_THROW(IntentClassifier::Train(TrainData(), {}, SmallOptions()).Save(target),
               std::runtime_error);
  EXPECT_FALSE(std::filesystem::exists(target.string() + ".tmp"));
}

TEST_F(ModelFile, FifoPathRejectedWithoutOpening) {
  const auto fifo = dir_ / "fifo.intent-model";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  // Opening a FIFO with no writer blocks, so a path that is opened hangs this test.
  EXPECT_EQ(RuntimeErrorOf([&] { LoadOrTrain(fifo, OneLabel(), {}, SmallOptions()); }),
            "intent model path " + fifo.string() +
                " is a FIFO; name a regular file or a path that does not exist yet");
  EXPECT_THROW(IntentClassifier::Load(fifo), std::runtime_error);
  EXPECT_EQ(IntentClassifier::ReadDataHash(fifo), std::nullopt);
  std::filesystem::create_symlink("/dev/zero", dir_ / "zero.intent-model");
  EXPECT_THROW(LoadOrTrain(dir_ / "zero.intent-model", OneLabel(), {}, SmallOptions()),
               std::runtime_error);
}

TEST_F(ModelFile, SpecialTemporaryPathRejected) {
  std::filesystem::create_directory(path_.string() + ".tmp");
  EXPECT_EQ(RuntimeErrorOf([&] { LoadOrTrain(path_, OneLabel(), {}, SmallOptions()); }),
            "temporary file of the intent model " + path_.string() +
                ".tmp is a directory; name a file in it instead, such as " +
                (std::filesystem::path(path_.string() + ".tmp") / "bot.intent-model").string());
}

TEST_F(ModelFile, MissingDirectoryRejectedBeforeTraining) {
  const auto target = dir_ / "absent" / "bot.intent-model";
  EXPECT_EQ(RuntimeErrorOf([&] { LoadOrTrain(target, OneLabel(), {}, SmallOptions()); }),
            "directory " + (dir_ / "absent").string() + " of the intent model path " +
                target.string() + " does not exist; create it or choose another path");
}

// Saves `classifier` under a 4 KiB file size limit, so that the write fails part way, and
// exits with 0 when Save threw and left neither the model nor its temporary file.
[[noreturn]] void SaveUnderFileSizeLimit(const IntentClassifier& classifier,
                                         const std::filesystem::path& path) {
  std::signal(SIGXFSZ, SIG_IGN);
  const rlimit limit{4096, 4096};
  setrlimit(RLIMIT_FSIZE, &limit);
  bool threw = false;
  try {
    classifier.Save(path);
  } catch (const std::runtime_error&) {
    threw = true;
  }
  const bool clean = !std::filesystem::exists(path.string() + ".tmp") &&
                     !std::filesystem::exists(path);
  std::_Exit(threw && clean ? 0 : 1);
}

TEST_F(ModelFile, FailedWriteRemovesTemporaryFile) {
  const auto classifier = IntentClassifier::Train(TrainData(), {}, SmallOptions());
  // The limit applies in the child process of the death test only.
  EXPECT_EXIT(SaveUnderFileSizeLimit(classifier, path_), ::testing::ExitedWithCode(0), "");
}

}  // namespace
}  // namespace mobilelink::nlu
