#include "mobilelink/nlu/linear_model.hpp"

#include <algorithm>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace mobilelink::nlu {
namespace {

// Two labels whose examples share no word: 0 is about cards, 1 about parcels.
struct Fixture {
  std::vector<std::vector<std::string>> examples{
      {"lost", "my", "card"},      {"card", "stolen"},           {"block", "my", "card"},
      {"my", "card", "is", "gone"}, {"where", "is", "my", "parcel"}, {"parcel", "late"},
      {"track", "the", "parcel"},  {"parcel", "not", "here"}};
  std::vector<int> labels{0, 0, 0, 0, 1, 1, 1, 1};
};

LinearOptions SmallOptions(LinearSolver solver) {
  LinearOptions options;
  options.hash_bits = 12;
  options.solver = solver;
  return options;
}

int TopLabel(const LinearModel& model, const std::vector<std::string>& tokens) {
  const auto scores = model.Scores(tokens);
  return static_cast<int>(std::max_element(scores.begin(), scores.end()) - scores.begin());
}

TEST(CountFeatures, WordTrigramsAddFeatures) {
  const std::vector<std::string> tokens{"where", "is", "my", "parcel"};
  FeatureOptions options;
  options.cross_word_char_ngrams = false;
  options.word_ngrams = 1;
  const auto unigrams = CountFeatures(tokens, options);
  options.word_ngrams = 2;
  const auto bigrams = CountFeatures(tokens, options);
  options.word_ngrams = 3;
  const auto trigrams = CountFeatures(tokens, options);
  // Each step adds one feature per n-gram: 3 bigrams, then 2 trigrams, barring hash collisions
  // (none for these tokens in 2^16 buckets).
  EXPECT_EQ(bigrams.size(), unigrams.size() + 3);
  EXPECT_EQ(trigrams.size(), bigrams.size() + 2);
}

TEST(CountFeatures, CharacterNgramRange) {
  const std::vector<std::string> tokens{"card"};
  FeatureOptions options;
  options.word_ngrams = 1;
  options.word_stems = false;
  options.min_char_ngram = 3;
  options.max_char_ngram = 2;
  // No character n-grams: the word alone.
  EXPECT_EQ(CountFeatures(tokens, options).size(), 1u);
  // " card " has 6 code points: 4 trigrams and 3 four-grams.
  options.max_char_ngram = 4;
  EXPECT_EQ(CountFeatures(tokens, options).size(), 1u + 4 + 3);
}

TEST(CountFeatures, WordStemsShareFeature) {
  FeatureOptions options;
  options.word_ngrams = 1;
  options.min_char_ngram = 3;
  options.max_char_ngram = 2;
  options.word_stems = true;
  // "refunds" and "refunded" differ as words and share the stem "refund".
  const auto plural = CountFeatures({"refunds"}, options);
  const auto past = CountFeatures({"refunded"}, options);
  ASSERT_EQ(plural.size(), 2u);
  ASSERT_EQ(past.size(), 2u);
  int shared = 0;
  for (const auto& a : plural) {
    for (const auto& b : past) {
      shared += a.index == b.index ? 1 : 0;
    }
  }
  EXPECT_EQ(shared, 1);
  options.word_stems = false;
  EXPECT_EQ(CountFeatures({"refunds"}, options).size(), 1u);
}

TEST(LinearModel, LogCountRatioLearnsFixture) {
  const Fixture fixture;
  for (LinearSolver solver : {LinearSolver::kSvm, LinearSolver::kLogistic}) {
    auto options = SmallOptions(solver);
    options.log_count_ratio = true;
    const auto model = LinearModel::Train(fixture.examples, fixture.labels, 2, options, 1);
    EXPECT_EQ(TopLabel(model, {"my", "card"}), 0);
    EXPECT_EQ(TopLabel(model, {"the", "parcel", "is", "late"}), 1);
  }
}

TEST(LinearModel, LogCountRatioNeedsOneVsRest) {
  const Fixture fixture;
  auto options = SmallOptions(LinearSolver::kCrammerSinger);
  options.log_count_ratio = true;
  EXPECT_THROW(LinearModel::Train(fixture.examples, fixture.labels, 2, options, 1),
               std::invalid_argument);
}

TEST(LinearModel, TermWeightingsLearnFixture) {
  const Fixture fixture;
  for (TermWeighting weighting :
       {TermWeighting::kSublinear, TermWeighting::kRaw, TermWeighting::kBinary}) {
    for (bool l2_normalize : {true, false}) {
      auto options = SmallOptions(LinearSolver::kCrammerSinger);
      options.term_weighting = weighting;
      options.l2_normalize = l2_normalize;
      options.word_ngrams = 3;
      const auto model = LinearModel::Train(fixture.examples, fixture.labels, 2, options, 1);
      EXPECT_EQ(TopLabel(model, {"card", "card", "card"}), 0);
      EXPECT_EQ(TopLabel(model, {"parcel"}), 1);
    }
  }
}

TEST(LinearModel, WriteReadKeepsFeatureOptions) {
  const Fixture fixture;
  auto options = SmallOptions(LinearSolver::kSvm);
  options.word_ngrams = 3;
  options.term_weighting = TermWeighting::kBinary;
  options.l2_normalize = false;
  options.log_count_ratio = true;
  const auto model = LinearModel::Train(fixture.examples, fixture.labels, 2, options, 1);
  std::stringstream bytes;
  model.Write(bytes);
  const auto loaded = LinearModel::Read(bytes);
  for (const auto& tokens : fixture.examples) {
    EXPECT_EQ(loaded.Scores(tokens), model.Scores(tokens));
  }
}

TEST(ParseTermWeighting, RejectsUnknownName) {
  EXPECT_EQ(ParseTermWeighting("binary"), TermWeighting::kBinary);
  EXPECT_THROW(ParseTermWeighting("log"), std::invalid_argument);
}

}  // namespace
}  // namespace mobilelink::nlu
