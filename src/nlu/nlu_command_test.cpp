#include "mobilelink/nlu/nlu_command.hpp"

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <sys/stat.h>

#include <CLI/CLI.hpp>
#include <gtest/gtest.h>

namespace mobilelink::nlu {
namespace {

const std::filesystem::path kTrainCsv =
    std::filesystem::path(MOBILELINK_SOURCE_DIR) / "src/nlu/testdata/intents_train.csv";

constexpr const char* kClincJson =
    R"({"train":[["where is my parcel","delivery"],["track my order","delivery"],)"
    R"(["i want a refund","refund"],["money back please","refund"]],)"
    R"("oos_train":[["tell me a joke","oos"]],)"
    R"("val":[["where is my order","delivery"],["refund my purchase","refund"]],)"
    R"("oos_val":[["play music","oos"]],)"
    R"("test":[["track my parcel","delivery"]],"oos_test":[["sing a song","oos"]]})";

class NluCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "nlu-command-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    std::filesystem::copy_file(kTrainCsv, dir_ / "train.csv");
    std::ofstream(dir_ / "train.json") << kClincJson;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Options with small models, so that each training run takes well under a second.
  static NluCommandOptions SmallOptions() {
    NluCommandOptions options;
    options.training.seed = 7;
    options.training.fasttext.dim = 8;
    options.training.fasttext.epoch = 20;
    options.training.fasttext.bucket = 2000;
    options.training.linear.hash_bits = 10;
    return options;
  }

  static std::string SplitsError(const NluCommandOptions& options, bool need_test) {
    try {
      ReadNluSplits(options, need_test);
    } catch (const std::invalid_argument& error) {
      return error.what();
    }
    ADD_FAILURE() << "no std::invalid_argument";
    return {};
  }

  // Parses `arguments` as a command line of the nlu commands and returns the parse error.
  static std::string ParseError(const std::string& arguments) {
    CLI::App app;
    AddNluCommands(app);
    try {
      app.parse(arguments, false);
    } catch (const CLI::ParseError& error) {
      return error.what();
    }
    ADD_FAILURE() << "no CLI::ParseError for: " << arguments;
    return {};
  }

  std::filesystem::path dir_;
};

TEST_F(NluCommand, DefaultModelPathAppendsSuffix) {
  auto csv = SmallOptions();
  csv.train = dir_ / "train.csv";
  ASSERT_EQ(RunNluTrain(csv), 0);
  auto json = SmallOptions();
  json.data = dir_ / "train.json";
  ASSERT_EQ(RunNluTrain(json), 0);
  EXPECT_TRUE(std::filesystem::is_regular_file(dir_ / "train.csv.intent-model"));
  EXPECT_TRUE(std::filesystem::is_regular_file(dir_ / "train.json.intent-model"));
  EXPECT_FALSE(std::filesystem::exists(dir_ / "train.intent-model"));
}

TEST_F(NluCommand, DataWithCsvOptionRejected) {
  for (const char* option : {"--train", "--validation", "--test"}) {
    auto options = SmallOptions();
    options.data = dir_ / "train.json";
    if (std::string(option) == "--train") {
      options.train = dir_ / "train.csv";
    } else if (std::string(option) == "--validation") {
      options.validation = dir_ / "train.csv";
    } else {
      options.test = dir_ / "train.csv";
    }
    EXPECT_EQ(SplitsError(options, true),
              std::string(option) +
                  " cannot be combined with --data: --data reads the training, validation and "
                  "test splits from one file in the CLINC150 JSON layout, and " +
                  option + " reads CSV with text,label columns; pass one or the other");
  }
}

TEST_F(NluCommand, CsvGivenToDataRejected) {
  auto options = SmallOptions();
  options.data = dir_ / "train.csv";
  EXPECT_EQ(SplitsError(options, true),
            "--data (the CLINC150 JSON layout): " + (dir_ / "train.csv").string() +
                ": the file is not JSON (it does not start with '{'), but the CLINC150 JSON "
                "layout is expected");
}

TEST_F(NluCommand, JsonGivenToCsvOptionRejected) {
  const std::string json = (dir_ / "train.json").string();
  const std::string expected_reason =
      ": " + json + ": the file is JSON, but CSV with a header such as text,label is expected";
  auto train = SmallOptions();
  train.train = json;
  EXPECT_EQ(SplitsError(train, false),
            "--train (CSV with text,label columns)" + expected_reason);
  auto validation = SmallOptions();
  validation.train = dir_ / "train.csv";
  validation.validation = json;
  EXPECT_EQ(SplitsError(validation, false),
            "--validation (CSV with text,label columns)" + expected_reason);
  auto test = SmallOptions();
  test.train = dir_ / "train.csv";
  test.test = json;
  EXPECT_EQ(SplitsError(test, true), "--test (CSV with text,label columns)" + expected_reason);
}

TEST_F(NluCommand, SpecialFilesRejectedAtParse) {
  const auto fifo = dir_ / "fifo.csv";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_EQ(ParseError("nlu train --train /dev/zero"),
            "--train: /dev/zero is a device; pass a regular file");
  EXPECT_EQ(ParseError("nlu eval --train " + (dir_ / "train.csv").string() + " --test " +
                       fifo.string()),
            "--test: " + fifo.string() + " is a FIFO; pass a regular file");
  EXPECT_EQ(ParseError("nlu train --data " + dir_.string()),
            "--data: " + dir_.string() + " is a directory; pass a regular file");
  EXPECT_EQ(ParseError("nlu train --train " + (dir_ / "train.csv").string() +
                       " --word-vectors /dev/null"),
            "--word-vectors: /dev/null is a device; pass a regular file");
  EXPECT_EQ(ParseError("nlu train --train " + (dir_ / "train.csv").string() +
                       " --fasttext-vectors " + fifo.string()),
            "--fasttext-vectors: " + fifo.string() + " is a FIFO; pass a regular file");
}

TEST_F(NluCommand, DirectoryModelFailsWithoutTemporaryFile) {
  auto options = SmallOptions();
  options.train = dir_ / "train.csv";
  options.model = dir_ / "models";
  std::filesystem::create_directory(options.model);
  EXPECT_EQ(RunNluTrain(options), 2);
  EXPECT_FALSE(std::filesystem::exists(dir_ / "models.tmp"));
  EXPECT_TRUE(std::filesystem::is_empty(options.model));
}

TEST(DataWarnings, MissingOosAndUnknownTestLabels) {
  NluSplits splits;
  splits.train = {{"where is my parcel", "delivery"}, {"i want a refund", "refund"}};
  splits.test = {{"track it", "delivery"}, {"sing", "OOS"}, {"new card", "card"}, {"hum", "oos"}};
  const auto warnings = DataWarnings(splits);
  ASSERT_EQ(warnings.size(), 2u);
  EXPECT_NE(warnings[0].find("no training or validation example has the label oos"),
            std::string::npos)
      << warnings[0];
  EXPECT_NE(warnings[1].find("2 test label(s) not in the training data"), std::string::npos)
      << warnings[1];
  EXPECT_NE(warnings[1].find("OOS, card"), std::string::npos) << warnings[1];

  splits.calibration = {{"play music", "oos"}};
  splits.test = {{"track it", "delivery"}};
  EXPECT_TRUE(DataWarnings(splits).empty());
}

}  // namespace
}  // namespace mobilelink::nlu
