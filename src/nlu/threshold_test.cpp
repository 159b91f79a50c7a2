#include "mobilelink/nlu/threshold.hpp"

#include <algorithm>
#include <random>
#include <stdexcept>
#include <vector>

#include <gtest/gtest.h>

#include "mobilelink/nlu/evaluation.hpp"

namespace mobilelink::nlu {
namespace {

// Labels 0 and 1 are intents, and 2 is the out-of-scope label.
constexpr int kLabels = 3;
constexpr int kOutOfScope = 2;

TEST(ChooseThreshold, SeparatesConfidentFromUnsure) {
  const std::vector<ScoredExample> examples{
      {0, 0, 0.9f}, {1, 1, 0.8f}, {0, 0, 0.7f}, {kOutOfScope, 0, 0.4f}, {kOutOfScope, 1, 0.3f},
  };
  const float threshold =
      ChooseThreshold(examples, kLabels, kOutOfScope, ThresholdObjective::kAccuracy).threshold;
  EXPECT_GT(threshold, 0.4f);
  EXPECT_LE(threshold, 0.7f);
}

TEST(ChooseThreshold, ZeroWhenNothingOutOfScope) {
  const std::vector<ScoredExample> examples{{0, 0, 0.9f}, {1, 1, 0.2f}, {1, 0, 0.6f}};
  EXPECT_EQ(
      ChooseThreshold(examples, kLabels, kOutOfScope, ThresholdObjective::kAccuracy).threshold, 0);
  EXPECT_EQ(
      ChooseThreshold(examples, kLabels, kOutOfScope, ThresholdObjective::kMacroF1).threshold, 0);
}

TEST(ChooseThreshold, ZeroForNoExamples) {
  EXPECT_EQ(ChooseThreshold({}, kLabels, kOutOfScope, ThresholdObjective::kMacroF1).threshold, 0);
}

TEST(ChooseThreshold, MatchesExhaustiveSearch) {
  // Random examples over 4 intents and the out-of-scope label, with repeated probabilities.
  constexpr int kManyLabels = 5;
  constexpr int kManyOutOfScope = 4;
  std::mt19937 random(11);
  std::vector<ScoredExample> examples;
  for (int i = 0; i < 300; ++i) {
    ScoredExample example;
    example.actual = static_cast<int>(random() % kManyLabels);
    example.predicted = random() % 3 == 0 ? example.actual : static_cast<int>(random() % 5);
    example.probability = static_cast<float>(random() % 50) / 50.0f;
    examples.push_back(example);
  }
  for (auto objective : {ThresholdObjective::kAccuracy, ThresholdObjective::kMacroF1}) {
    const ThresholdChoice choice =
        ChooseThreshold(examples, kManyLabels, kManyOutOfScope, objective);
    EXPECT_NEAR(choice.value,
                ObjectiveAt(examples, kManyLabels, kManyOutOfScope, choice.threshold, objective),
                1e-9);
    double best = ObjectiveAt(examples, kManyLabels, kManyOutOfScope, 0, objective);
    for (const auto& example : examples) {
      best = std::max(best, ObjectiveAt(examples, kManyLabels, kManyOutOfScope,
                                        example.probability + 1e-6f, objective));
    }
    EXPECT_NEAR(choice.value, best, 1e-9);
  }
}

TEST(ChooseThreshold, ReturnsCountOfRightAnswers) {
  const std::vector<ScoredExample> examples{
      {0, 0, 0.9f}, {1, 1, 0.8f}, {0, 0, 0.7f}, {kOutOfScope, 0, 0.4f}, {kOutOfScope, 1, 0.3f},
  };
  EXPECT_EQ(ChooseThreshold(examples, kLabels, kOutOfScope, ThresholdObjective::kAccuracy).value,
            5);
}

TEST(ParseThresholdObjective, RejectsUnknownName) {
  EXPECT_EQ(ParseThresholdObjective("macro_f1"), ThresholdObjective::kMacroF1);
  EXPECT_THROW(ParseThresholdObjective("recall"), std::invalid_argument);
}

TEST(ScorePredictions, ComputesKnownMetrics) {
  // Of 4 in-scope examples 3 are right. Of 2 out-of-scope examples 1 is caught, and 1 of the
  // 2 oos predictions is right.
  const std::vector<std::string> expected{"a", "a", "b", "b", "oos", "oos"};
  const std::vector<std::string> predicted{"a", "a", "b", "oos", "oos", "b"};
  const EvaluationReport report = ScorePredictions(expected, predicted);
  EXPECT_EQ(report.examples, 6u);
  EXPECT_DOUBLE_EQ(report.in_scope_accuracy, 0.75);
  EXPECT_DOUBLE_EQ(report.oos_recall, 0.5);
  EXPECT_DOUBLE_EQ(report.oos_precision, 0.5);
  // F1: a = 1, b = 2 * (1/2 * 1/2) / 1 = 0.5, oos = 0.5.
  EXPECT_DOUBLE_EQ(report.macro_f1, 2.0 / 3.0);
}

TEST(ScorePredictions, NoOutOfScopeGivesZeroRecall) {
  const EvaluationReport report = ScorePredictions({"a", "b"}, {"a", "a"});
  EXPECT_DOUBLE_EQ(report.in_scope_accuracy, 0.5);
  EXPECT_DOUBLE_EQ(report.oos_recall, 0);
  EXPECT_DOUBLE_EQ(report.oos_precision, 0);
}

}  // namespace
}  // namespace mobilelink::nlu
