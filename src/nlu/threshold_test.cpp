#include "mobilelink/nlu/threshold.hpp"

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
      ChooseThreshold(examples, kLabels, kOutOfScope, ThresholdObjective::kAccuracy);
  EXPECT_GT(threshold, 0.4f);
  EXPECT_LE(threshold, 0.7f);
}

TEST(ChooseThreshold, ZeroWhenNothingOutOfScope) {
  const std::vector<ScoredExample> examples{{0, 0, 0.9f}, {1, 1, 0.2f}, {1, 0, 0.6f}};
  EXPECT_EQ(ChooseThreshold(examples, kLabels, kOutOfScope, ThresholdObjective::kAccuracy), 0);
  EXPECT_EQ(ChooseThreshold(examples, kLabels, kOutOfScope, ThresholdObjective::kMacroF1), 0);
}

TEST(ChooseThreshold, ZeroForNoExamples) {
  EXPECT_EQ(ChooseThreshold({}, kLabels, kOutOfScope, ThresholdObjective::kMacroF1), 0);
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
