#include "mobilelink/nlu/word_vectors.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <unistd.h>

#include <gtest/gtest.h>

#include "mobilelink/nlu/fasttext_model.hpp"

namespace mobilelink::nlu {
namespace {

class TemporaryFile {
 public:
  explicit TemporaryFile(const std::string& contents) {
    std::string pattern = std::filesystem::temp_directory_path() / "word-vectors-test-XXXXXX";
    const int fd = mkstemp(pattern.data());
    close(fd);
    path_ = pattern;
    std::ofstream(path_, std::ios::binary) << contents;
  }
  ~TemporaryFile() { std::filesystem::remove(path_); }
  [[nodiscard]] const std::filesystem::path& Path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// The layout of the wink-embeddings packages: each vector ends with its norm and its index.
constexpr const char* kWinkJson =
    R"({"precision":8,"dimensions":3,"words":["cat","dog","card"],)"
    R"("vectors":{"cat":[0.5,-1,2,2.29,0],"dog":[1,0.25,-0.125,1.04,1],)"
    R"("card":[3,4,0,5,2]},"unkVector":[0,0,0,0,-1]})";

TEST(ReadWordVectors, WinkJsonKeepsWantedWords) {
  const TemporaryFile file(kWinkJson);
  const WordVectors vectors = ReadWordVectors(file.Path(), {"cat", "card", "missing"});
  EXPECT_EQ(vectors.dim, 3);
  ASSERT_EQ(vectors.vectors.size(), 2u);
  EXPECT_EQ(vectors.vectors.at("cat"), (std::vector<float>{0.5f, -1, 2}));
  EXPECT_EQ(vectors.vectors.at("card"), (std::vector<float>{3, 4, 0}));
  EXPECT_EQ(vectors.vectors.count("dog"), 0u);
}

TEST(ReadWordVectors, TextFormatKeepsWantedWords) {
  const TemporaryFile file("3 2\ncat 0.5 -1\ndog 1 2\ncard 3 4\n");
  const WordVectors vectors = ReadWordVectors(file.Path(), {"dog", "card"});
  EXPECT_EQ(vectors.dim, 2);
  ASSERT_EQ(vectors.vectors.size(), 2u);
  EXPECT_EQ(vectors.vectors.at("dog"), (std::vector<float>{1, 2}));
  EXPECT_EQ(vectors.vectors.at("card"), (std::vector<float>{3, 4}));
}

TEST(WriteWordVectors, RoundTripsThroughTextFormat) {
  const TemporaryFile json(kWinkJson);
  const WordVectors read = ReadWordVectors(json.Path(), {"cat", "dog", "card"});
  std::ostringstream out;
  WriteWordVectors(read, out);
  EXPECT_EQ(out.str(), "3 3\ncard 3 4 0\ncat 0.5 -1 2\ndog 1 0.25 -0.125\n");
  const TemporaryFile text(out.str());
  const WordVectors again = ReadWordVectors(text.Path(), {"cat", "dog", "card"});
  EXPECT_EQ(again.vectors, read.vectors);
}

TEST(ReadWordVectors, RejectsInvalidFiles) {
  EXPECT_THROW(ReadWordVectors("/nonexistent/vectors.json", {"cat"}), std::runtime_error);
  const TemporaryFile short_vector(R"({"dimensions":3,"vectors":{"cat":[1,2]}})");
  EXPECT_THROW(ReadWordVectors(short_vector.Path(), {"cat"}), std::runtime_error);
  const TemporaryFile no_vectors(R"({"dimensions":3})");
  EXPECT_THROW(ReadWordVectors(no_vectors.Path(), {"cat"}), std::runtime_error);
  const TemporaryFile truncated(R"({"dimensions":3,"vectors":{"cat":[1,2,)");
  EXPECT_THROW(ReadWordVectors(truncated.Path(), {"cat"}), std::runtime_error);
  const TemporaryFile bad_header("cat 1 2\n");
  EXPECT_THROW(ReadWordVectors(bad_header.Path(), {"cat"}), std::runtime_error);
  const TemporaryFile short_line("1 3\ncat 1 2\n");
  EXPECT_THROW(ReadWordVectors(short_line.Path(), {"cat"}), std::runtime_error);
}

// Returns the message of the runtime_error that reading `contents` throws, or "" when none.
std::string ReadError(const std::string& contents) {
  const TemporaryFile file(contents);
  try {
    ReadWordVectors(file.Path(), {"cat"});
  } catch (const std::runtime_error& error) {
    return error.what();
  }
  return "";
}

TEST(ReadWordVectors, RejectsUnusableValuesAndSizes) {
  struct Case {
    std::string contents;
    std::string expected;  // Part of the message.
  };
  const Case cases[] = {
      {R"({"dimensions":3,"vectors":{"cat":[1e308,1e308,1e308,1,0]}})",
       "the vector of \"cat\": the value 1e+308 is not a finite number within +-1e6"},
      {R"({"dimensions":0,"vectors":{"cat":[1,2]}})", "the vector size 0 is out of range"},
      {R"({"dimensions":5000,"vectors":{}})", "the vector size 5000 is out of range"},
      {"1 3\ncat 1e308 1 1\n", "line 2: the value 1e+308 is not a finite number within +-1e6"},
      {"1 3\ncat 1e999 1 1\n", "line 2: \"1e999\" is out of the range of a number"},
      {"1 3\ncat nan 1 1\n", "line 2: the value nan is not a finite number"},
      {"1 3\ncat 1 2x 1\n", "line 2: \"2x\" is not a number"},
      {"1 2000000000\ncat 1 2\n", "the vector size 2000000000 is out of range"},
  };
  for (const auto& test : cases) {
    EXPECT_NE(ReadError(test.contents).find(test.expected), std::string::npos)
        << test.contents << " gave: " << ReadError(test.contents);
  }
  // Values of words that are not wanted are not read, so they cannot fail.
  EXPECT_EQ(ReadError("2 2\ndog 1e999 1\ncat 1 2\n"), "");
}

TEST(AugmentLines, SameSeedSameLines) {
  const std::vector<std::string> lines{"what is my card balance", "book a table for two",
                                       "hello"};
  std::vector<int> labels{0, 1, 2};
  std::vector<int> labels_again = labels;
  const auto augmented = AugmentLines(lines, labels, 3, 11);
  const auto again = AugmentLines(lines, labels_again, 3, 11);
  EXPECT_EQ(augmented, again);
  ASSERT_EQ(augmented.size(), 12u);
  ASSERT_EQ(labels.size(), 12u);
  for (std::size_t i = 0; i < augmented.size(); ++i) {
    EXPECT_EQ(labels[i], static_cast<int>(i % 3)) << augmented[i];
    EXPECT_FALSE(augmented[i].empty()) << i;
  }
  EXPECT_EQ(augmented[0], lines[0]);
  EXPECT_EQ(augmented[1], lines[1]);
  EXPECT_EQ(augmented[2], lines[2]);
  bool any_changed = false;
  for (std::size_t i = 3; i < augmented.size(); ++i) {
    any_changed = any_changed || augmented[i] != lines[i % 3];
  }
  EXPECT_TRUE(any_changed);
}

TEST(AugmentLines, ZeroCopiesKeepsLines) {
  const std::vector<std::string> lines{"a b c"};
  std::vector<int> labels{4};
  EXPECT_EQ(AugmentLines(lines, labels, 0, 1), lines);
  EXPECT_EQ(labels, std::vector<int>{4});
}

FastTextOptions VectorOptions(const TemporaryFile& file, int dim) {
  FastTextOptions options;
  options.dim = dim;
  options.bucket = 1000;
  options.epoch = 50;
  options.pretrained_vectors = file.Path().string();
  return options;
}

TEST(FastTextModel, RejectsVectorsOfOtherSize) {
  const TemporaryFile file(kWinkJson);
  const FastTextOptions options = VectorOptions(file, 8);
  EXPECT_THROW(FastTextModel::Train({"cat dog", "card"}, {0, 1}, 2, options, 1),
               std::invalid_argument);
}

TEST(FastTextModel, TrainsFromWordVectors) {
  const TemporaryFile file(kWinkJson);
  const FastTextOptions options = VectorOptions(file, 3);
  const std::vector<std::string> lines{"cat dog", "my card", "dog cat", "the card"};
  const auto model = FastTextModel::Train(lines, {0, 1, 0, 1}, 2, options, 1);
  EXPECT_GT(model.Probabilities("cat")[0], 0.5f);
  EXPECT_GT(model.Probabilities("card")[1], 0.5f);
}

}  // namespace
}  // namespace mobilelink::nlu
