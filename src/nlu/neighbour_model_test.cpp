#include "mobilelink/nlu/neighbour_model.hpp"

#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace mobilelink::nlu {
namespace {

std::vector<std::vector<std::string>> Examples() {
  return {{"lost", "my", "card"},
          {"card", "was", "stolen"},
          {"what", "is", "my", "balance"},
          {"show", "balance"},
          {"refund", "my", "order"}};
}

const std::vector<int> kLabels{0, 0, 1, 1, 2};

TEST(NeighbourModel, ScoresExactMatchAsOne) {
  const auto model = NeighbourModel::Train(Examples(), kLabels, 3);
  const auto scores = model.Scores({"show", "balance"});
  ASSERT_EQ(scores.size(), 3u);
  EXPECT_NEAR(scores[1], 1.0f, 1e-3f);
  EXPECT_LT(scores[0], scores[1]);
  EXPECT_EQ(scores[2], 0.0f);
}

TEST(NeighbourModel, TakesBestExampleOfLabel) {
  const auto model = NeighbourModel::Train(Examples(), kLabels, 3);
  const auto scores = model.Scores({"my", "card", "was", "stolen"});
  EXPECT_GT(scores[0], 0.8f);
  EXPECT_GT(scores[0], scores[1]);
  EXPECT_GT(scores[0], scores[2]);
}

TEST(NeighbourModel, UnknownWordsScoreZero) {
  const auto model = NeighbourModel::Train(Examples(), kLabels, 3);
  EXPECT_EQ(model.Scores({"zebra"}), (std::vector<float>{0, 0, 0}));
  EXPECT_EQ(model.Scores({}), (std::vector<float>{0, 0, 0}));
}

TEST(NeighbourModel, SkipsFeaturesOfMostExamples) {
  // "please" is in all 200 examples, over both the 5% share and the count of 100.
  std::vector<std::vector<std::string>> examples;
  std::vector<int> labels;
  for (int i = 0; i < 200; ++i) {
    examples.push_back({"please", "item" + std::to_string(i)});
    labels.push_back(i % 2);
  }
  const auto model = NeighbourModel::Train(examples, labels, 2);
  EXPECT_EQ(model.Scores({"please"}), (std::vector<float>{0, 0}));
  const auto scores = model.Scores({"please", "item7"});
  EXPECT_EQ(scores[0], 0.0f);
  EXPECT_GT(scores[1], 0.5f);
  EXPECT_LT(scores[1], 1.0f);
}

TEST(NeighbourModel, WriteReadKeepsScores) {
  const auto model = NeighbourModel::Train(Examples(), kLabels, 3);
  std::stringstream bytes;
  model.Write(bytes);
  const auto loaded = NeighbourModel::Read(bytes);
  EXPECT_EQ(loaded.LabelCount(), 3);
  for (const auto& example : Examples()) {
    EXPECT_EQ(loaded.Scores(example), model.Scores(example)) << example.front();
  }
}

TEST(NeighbourModel, ReadRejectsTruncatedStream) {
  const auto model = NeighbourModel::Train(Examples(), kLabels, 3);
  std::stringstream bytes;
  model.Write(bytes);
  std::string truncated = bytes.str();
  truncated.resize(truncated.size() - 10);
  std::stringstream in(truncated);
  EXPECT_THROW(NeighbourModel::Read(in), std::runtime_error);
}

}  // namespace
}  // namespace mobilelink::nlu
