// The intent model file: damage detection, malformed bodies, the checks on the model path,
// symbolic links, the temporary file and concurrent writers.

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string>
#include <sys/resource.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include <gtest/gtest.h>
#include <spdlog/sinks/ringbuffer_sink.h>

#include "mobilelink/common/log.hpp"
#include "mobilelink/nlu/binary_io.hpp"
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

// Writes the body size and checksum of `bytes` into its header, as a writer that edited the
// body on purpose would.
std::string WithHeaderFixed(std::string bytes) {
  const std::string body = bytes.substr(24);
  const std::uint64_t size = body.size();
  std::uint64_t checksum = 14695981039346656037ull;
  for (char c : body) {
    checksum ^= static_cast<unsigned char>(c);
    checksum *= 1099511628211ull;
  }
  std::memcpy(bytes.data() + 8, &size, sizeof size);
  std::memcpy(bytes.data() + 16, &checksum, sizeof checksum);
  return bytes;
}

TEST_F(ModelFile, TrailingBytesRejected) {
  IntentClassifier::Train(TrainData(), {}, SmallOptions()).Save(path_);
  std::string bytes = ReadBytes(path_);
  bytes.push_back('\0');
  WriteBytes(path_, WithHeaderFixed(bytes));
  EXPECT_EQ(RuntimeErrorOf([&] { IntentClassifier::Load(path_); }),
            "model file has bytes after its last model: " + path_.string());
}

// Returns the file offset of the out-of-scope threshold, which follows the data hash, the model
// kind, the labels and the oos label index.
std::size_t ThresholdOffset(const IntentClassifier& classifier) {
  std::size_t offset = 24 + 8 + 4 + 8;
  for (const auto& label : classifier.Labels()) {
    offset += 8 + label.size();
  }
  return offset + 4;
}

TEST_F(ModelFile, NonFiniteValuesRejected) {
  const auto classifier = IntentClassifier::Train(TrainData(), {}, SmallOptions());
  classifier.Save(path_);
  const std::string original = ReadBytes(path_);
  const std::size_t threshold = ThresholdOffset(classifier);
  float stored = 0;
  std::memcpy(&stored, original.data() + threshold, sizeof stored);
  ASSERT_EQ(stored, static_cast<float>(classifier.Threshold()));
  // The threshold, the oos threshold and the first ensemble weight, after the weight count.
  const std::vector<std::pair<std::size_t, std::string>> fields{
      {threshold, "threshold"},
      {threshold + 4, "oos threshold"},
      {threshold + 16, "ensemble weight"}};
  for (const auto& [offset, name] : fields) {
    for (float value :
         {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity(), -1.0f}) {
      std::string damaged = original;
      std::memcpy(damaged.data() + offset, &value, sizeof value);
      WriteBytes(path_, WithHeaderFixed(damaged));
      const std::string message = RuntimeErrorOf([&] { IntentClassifier::Load(path_); });
      EXPECT_EQ(message.rfind("model file has an invalid " + name + " ", 0), 0u)
          << name << " " << value << ": " << message;
      EXPECT_NE(message.find(path_.string()), std::string::npos) << message;
    }
  }
}

TEST_F(ModelFile, MalformedBodyRetrainedWithWarning) {
  const auto train = TrainData();
  const auto classifier = LoadOrTrain(path_, train, {}, SmallOptions());
  const std::string original = ReadBytes(path_);
  std::string damaged = original;
  const float nan = std::numeric_limits<float>::quiet_NaN();
  std::memcpy(damaged.data() + ThresholdOffset(classifier), &nan, sizeof nan);
  WriteBytes(path_, WithHeaderFixed(damaged));
  NluLogCapture log;
  bool retrained = false;
  LoadOrTrain(path_, train, {}, SmallOptions(), &retrained);
  EXPECT_TRUE(retrained);
  EXPECT_EQ(log.Count(spdlog::level::warn), 1u);
  EXPECT_TRUE(ReadBytes(path_) == original);
}

// Loads `path` with 4-byte values of 2^31 - 1 written over each field of fastText's header and
// the start of its dictionary, with a valid checksum each time, under a 2 GiB address-space
// limit. Exits with 0 when every load either succeeded or threw std::runtime_error. A
// dictionary size that fastText's loader trusts would make it allocate without bound.
[[noreturn]] void LoadLargeFastTextCounts(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  const std::string original{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  const rlimit limit{std::uint64_t{2} << 30, std::uint64_t{2} << 30};
  setrlimit(RLIMIT_AS, &limit);
  const std::size_t fasttext = FastTextOffset(original);
  // fastText's magic number and version, then its arguments (12 int32 values and a double),
  // then the dictionary's size, word count and label count.
  const std::size_t dictionary_size = fasttext + 8 + 56;
  for (std::size_t offset = fasttext; offset < fasttext + 160; offset += 4) {
    std::string damaged = original;
    damaged.replace(offset, 4, "\xff\xff\xff\x7f");
    std::ofstream(path, std::ios::binary | std::ios::trunc) << WithHeaderFixed(damaged);
    try {
      IntentClassifier::Load(path);
      if (offset == dictionary_size) {
        std::fprintf(stderr, "loaded a dictionary size of 2^31 - 1\n");
        std::_Exit(1);
      }
    } catch (const std::runtime_error&) {
    }
  }
  std::_Exit(0);
}

TEST_F(ModelFile, LargeFastTextCountsWithValidChecksumRejected) {
  IntentClassifier::Train(TrainData(), {}, SmallOptions()).Save(path_);
  ASSERT_NE(FastTextOffset(ReadBytes(path_)), std::string::npos);
  EXPECT_EXIT(LoadLargeFastTextCounts(path_), ::testing::ExitedWithCode(0), "");
}

TEST_F(ModelFile, ArrayLongerThanBodyRejected) {
  // A length below the caller's limit but beyond the bytes present is rejected before the
  // array is allocated: 2^40 floats would be 4 TiB.
  std::string bytes(8, '\0');
  const std::uint64_t length = std::uint64_t{1} << 40;
  std::memcpy(bytes.data(), &length, sizeof length);
  bytes += std::string(16, '\0');
  io::MemoryBuffer buffer(bytes);
  std::istream in(&buffer);
  EXPECT_EQ(RuntimeErrorOf([&] { io::GetVector<float>(in, std::uint64_t{1} << 62); }),
            "model file has an array of 1099511627776 elements, longer than the 16 bytes left in "
            "the body");
}

TEST_F(ModelFile, ShortFileNamedInMessage) {
  IntentClassifier::Train(TrainData(), {}, SmallOptions()).Save(path_);
  const std::string original = ReadBytes(path_);
  for (std::size_t size = 0; size < 24; ++size) {
    WriteBytes(path_, original.substr(0, size));
    EXPECT_EQ(RuntimeErrorOf([&] { IntentClassifier::Load(path_); }),
              "model file is truncated: it has " + std::to_string(size) +
                  " bytes, and the header alone has 24: " + path_.string());
  }
}

// Names in `directory` other than `keep`.
std::vector<std::string> OtherNames(const std::filesystem::path& directory,
                                    const std::vector<std::string>& keep) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(directory)) {
    const std::string name = entry.path().filename().string();
    if (std::find(keep.begin(), keep.end(), name) == keep.end()) {
      names.push_back(name);
    }
  }
  return names;
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
  EXPECT_EQ(OtherNames(dir_, {"models"}), std::vector<std::string>{});
  EXPECT_THROW(IntentClassifier::Train(TrainData(), {}, SmallOptions()).Save(target),
               std::runtime_error);
  EXPECT_EQ(OtherNames(dir_, {"models"}), std::vector<std::string>{});
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

TEST_F(ModelFile, OldTemporaryNameLeftAlone) {
  // A directory, or a link to another file, under the name that earlier versions used for the
  // temporary file neither blocks a save nor receives the model.
  const auto precious = dir_ / "precious.txt";
  WriteBytes(precious, "keep me");
  std::filesystem::create_symlink("precious.txt", path_.string() + ".tmp");
  const auto classifier = IntentClassifier::Train(TrainData(), {}, SmallOptions());
  classifier.Save(path_);
  EXPECT_EQ(ReadBytes(precious), "keep me");
  EXPECT_TRUE(std::filesystem::is_symlink(path_.string() + ".tmp"));
  EXPECT_EQ(IntentClassifier::Load(path_).DataHash(), classifier.DataHash());

  std::filesystem::remove(path_.string() + ".tmp");
  std::filesystem::create_directory(path_.string() + ".tmp");
  bool retrained = true;
  LoadOrTrain(path_, TrainData(), {}, SmallOptions(), &retrained);
  EXPECT_FALSE(retrained);
  EXPECT_EQ(OtherNames(dir_, {"precious.txt", "bot.intent-model", "bot.intent-model.tmp"}),
            std::vector<std::string>{});
}

TEST_F(ModelFile, ConcurrentSavesEachWriteWholeFile) {
  const auto first = IntentClassifier::Train(TrainData(), {}, SmallOptions());
  TrainingOptions other_options = SmallOptions();
  other_options.seed = 8;
  const auto second = IntentClassifier::Train(TrainData(), {}, other_options);
  ASSERT_NE(first.DataHash(), second.DataHash());
  constexpr int kRounds = 40;
  std::atomic<int> failures{0};
  auto save_repeatedly = [&](const IntentClassifier& classifier) {
    for (int round = 0; round < kRounds; ++round) {
      try {
        classifier.Save(path_);
      } catch (const std::exception& error) {
        ADD_FAILURE() << error.what();
        failures += 1;
      }
    }
  };
  std::thread writer(save_repeatedly, std::cref(first));
  save_repeatedly(second);
  writer.join();
  EXPECT_EQ(failures.load(), 0);
  const auto hash = IntentClassifier::Load(path_).DataHash();
  EXPECT_TRUE(hash == first.DataHash() || hash == second.DataHash());
  EXPECT_EQ(OtherNames(dir_, {"bot.intent-model"}), std::vector<std::string>{});
}

TEST_F(ModelFile, ConcurrentLoadOrTrainReturnsOwnModel) {
  // Each call returns the model that it trained or loaded, whatever the other call saved.
  TrainingOptions other_options = SmallOptions();
  other_options.seed = 8;
  const auto expected_first = HashTrainingData(TrainData(), {}, SmallOptions());
  const auto expected_second = HashTrainingData(TrainData(), {}, other_options);
  for (int round = 0; round < 5; ++round) {
    std::uint64_t first_hash = 0;
    std::thread writer([&] {
      try {
        first_hash = LoadOrTrain(path_, TrainData(), {}, SmallOptions()).DataHash();
      } catch (const std::exception& error) {
        ADD_FAILURE() << error.what();
      }
    });
    const auto second_hash = LoadOrTrain(path_, TrainData(), {}, other_options).DataHash();
    writer.join();
    EXPECT_EQ(first_hash, expected_first) << "round " << round;
    EXPECT_EQ(second_hash, expected_second) << "round " << round;
  }
  EXPECT_EQ(OtherNames(dir_, {"bot.intent-model"}), std::vector<std::string>{});
}

TEST_F(ModelFile, SymbolicLinkPathReplacesTarget) {
  std::filesystem::create_directory(dir_ / "models");
  const auto target = dir_ / "models" / "real.intent-model";
  std::filesystem::create_symlink("models/real.intent-model", path_);
  bool retrained = false;
  LoadOrTrain(path_, TrainData(), {}, SmallOptions(), &retrained);
  EXPECT_TRUE(retrained);
  EXPECT_TRUE(std::filesystem::is_symlink(path_));
  EXPECT_TRUE(std::filesystem::is_regular_file(std::filesystem::symlink_status(target)));
  LoadOrTrain(path_, TrainData(), {}, SmallOptions(), &retrained);
  EXPECT_FALSE(retrained);
  // A damaged target is replaced, and the link stays.
  std::string damaged = ReadBytes(target);
  damaged.back() = static_cast<char>(damaged.back() ^ 0x01);
  WriteBytes(target, damaged);
  LoadOrTrain(path_, TrainData(), {}, SmallOptions(), &retrained);
  EXPECT_TRUE(retrained);
  EXPECT_TRUE(std::filesystem::is_symlink(path_));
  EXPECT_NO_THROW(IntentClassifier::Load(target));
  EXPECT_EQ(OtherNames(dir_ / "models", {"real.intent-model"}), std::vector<std::string>{});
}

TEST_F(ModelFile, SymbolicLinkToDirectoryRejected) {
  std::filesystem::create_directory(dir_ / "models");
  std::filesystem::create_symlink("models", path_);
  EXPECT_EQ(RuntimeErrorOf([&] { LoadOrTrain(path_, OneLabel(), {}, SmallOptions()); }),
            "intent model path " + path_.string() + " (a symbolic link to " +
                (dir_ / "models").string() +
                ") is a directory; name a file in it instead, such as " +
                (dir_ / "models" / "bot.intent-model").string());
  EXPECT_TRUE(std::filesystem::is_symlink(path_));
}

TEST_F(ModelFile, SymbolicLinkLoopRejected) {
  std::filesystem::create_symlink("bot.intent-model", path_);
  EXPECT_EQ(RuntimeErrorOf([&] { LoadOrTrain(path_, OneLabel(), {}, SmallOptions()); }),
            "intent model path " + path_.string() +
                " is a loop or a chain of more than 40 symbolic links; point it at a regular "
                "file");
}

TEST_F(ModelFile, MissingDirectoryRejectedBeforeTraining) {
  const auto target = dir_ / "absent" / "bot.intent-model";
  EXPECT_EQ(RuntimeErrorOf([&] { LoadOrTrain(target, OneLabel(), {}, SmallOptions()); }),
            "directory " + (dir_ / "absent").string() + " of the intent model path " +
                target.string() + " does not exist; create it or choose another path");
}

// Saves `classifier` into `directory`, which the process cannot write (as root, it first
// switches to the user and group nobody, 65534), and exits with 0 when Save's message gives
// the reason and the next step.
[[noreturn]] void SaveIntoReadOnlyDirectory(const IntentClassifier& classifier,
                                            const std::filesystem::path& directory) {
  if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0)) {
    std::fprintf(stderr, "failed to switch to the user nobody\n");
    std::_Exit(2);
  }
  const auto path = directory / "bot.intent-model";
  try {
    classifier.Save(path);
  } catch (const std::runtime_error& error) {
    const std::string expected = "failed to create a temporary file in " + directory.string() +
                                 " for the intent model " + path.string() +
                                 ": Permission denied; make the directory writable or choose "
                                 "another path";
    if (error.what() == expected) {
      std::_Exit(0);
    }
    std::fprintf(stderr, "message: %s\n", error.what());
  }
  std::_Exit(1);
}

TEST_F(ModelFile, UnwritableDirectoryMessage) {
  const auto classifier = IntentClassifier::Train(TrainData(), {}, SmallOptions());
  const auto directory = dir_ / "ro";
  std::filesystem::create_directory(directory);
  // Others may enter both directories, so that the user nobody can reach `ro`.
  std::filesystem::permissions(dir_, std::filesystem::perms::others_exec,
                               std::filesystem::perm_options::add);
  std::filesystem::permissions(
      directory, std::filesystem::perms::owner_read | std::filesystem::perms::owner_exec |
                     std::filesystem::perms::others_read | std::filesystem::perms::others_exec);
  EXPECT_EXIT(SaveIntoReadOnlyDirectory(classifier, directory), ::testing::ExitedWithCode(0), "");
  EXPECT_EQ(OtherNames(directory, {}), std::vector<std::string>{});
}

// Saves `classifier` into the empty directory of `path` under a 4 KiB file size limit, so that
// the write fails part way, and exits with 0 when Save threw and left the directory empty.
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
  const bool clean = std::filesystem::is_empty(path.parent_path());
  std::_Exit(threw && clean ? 0 : 1);
}

TEST_F(ModelFile, FailedWriteRemovesTemporaryFile) {
  const auto classifier = IntentClassifier::Train(TrainData(), {}, SmallOptions());
  // The limit applies in the child process of the death test only.
  EXPECT_EXIT(SaveUnderFileSizeLimit(classifier, path_), ::testing::ExitedWithCode(0), "");
}

}  // namespace
}  // namespace mobilelink::nlu
