#include "mobilelink/nlu/intent_classifier.hpp"

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <stdexcept>
#include <string>
#include <unistd.h>
#include <vector>

#include <gtest/gtest.h>

#include "mobilelink/nlu/calibration.hpp"
#include "mobilelink/nlu/evaluation.hpp"
#include "mobilelink/nlu/text_normalizer.hpp"

namespace mobilelink::nlu {
namespace {

const std::filesystem::path kTestData =
    std::filesystem::path(MOBILELINK_SOURCE_DIR) / "src/nlu/testdata";

// Small models, so that each training run takes well under a second.
TrainingOptions SmallOptions(ModelKind kind = ModelKind::kEnsemble) {
  TrainingOptions options;
  options.kind = kind;
  options.seed = 7;
  options.fasttext.dim = 16;
  options.fasttext.epoch = 40;
  options.fasttext.bucket = 5000;
  options.linear.hash_bits = 12;
  return options;
}

std::vector<tools::Utterance> TrainData() {
  return tools::ReadUtterances(kTestData / "intents_train.csv");
}

std::vector<tools::Utterance> TestData() {
  return tools::ReadUtterances(kTestData / "intents_test.csv");
}

class TemporaryDirectory {
 public:
  TemporaryDirectory() {
    std::string pattern = std::filesystem::temp_directory_path() / "nlu-test-XXXXXX";
    path_ = mkdtemp(pattern.data());
  }
  ~TemporaryDirectory() { std::filesystem::remove_all(path_); }
  [[nodiscard]] const std::filesystem::path& Path() const { return path_; }

 private:
  std::filesystem::path path_;
};

std::string ReadBytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void ExpectSamePredictions(const IntentClassifier& loaded, const IntentClassifier& trained) {
  for (const auto& example : TestData()) {
    const Prediction before = trained.Predict(example.text);
    const Prediction after = loaded.Predict(example.text);
    EXPECT_EQ(after.intent, before.intent) << example.text;
    EXPECT_FLOAT_EQ(after.confidence, before.confidence) << example.text;
  }
}

// Trains twice with `options`, expects the saved files to be the same bytes, and returns the
// first model, which is saved at `path`.
IntentClassifier TrainTwiceExpectSameBytes(const TrainingOptions& options,
                                           const std::filesystem::path& path) {
  const std::filesystem::path second = path.string() + ".second";
  auto trained = IntentClassifier::Train(TrainData(), TestData(), options);
  trained.Save(path);
  IntentClassifier::Train(TrainData(), TestData(), options).Save(second);
  EXPECT_EQ(ReadBytes(path), ReadBytes(second));
  return trained;
}

TEST(FixtureCsv, ReadsQuotedCommasAndNewlines) {
  const auto train = TrainData();
  ASSERT_EQ(train.size(), 47u);
  EXPECT_EQ(train[45].text, "refund, please, \"now\"");
  EXPECT_EQ(train[45].label, "refund");
  EXPECT_EQ(train[46].text, "where is\r\nmy package");
  EXPECT_EQ(train[46].label, "delivery");
  // The test file names its columns in the other order.
  const auto test = TestData();
  ASSERT_EQ(test.size(), 15u);
  EXPECT_EQ(test[0].label, "card_lost");
  EXPECT_EQ(test[0].text, "someone stole my card");
}

TEST(IntentClassifier, LearnsFixtureIntents) {
  for (ModelKind kind : {ModelKind::kFastText, ModelKind::kLinear, ModelKind::kEnsemble}) {
    const auto classifier = IntentClassifier::Train(TrainData(), {}, SmallOptions(kind));
    EXPECT_EQ(classifier.Labels().size(), 5u);
    EXPECT_EQ(classifier.Predict("I LOST my card yesterday").intent, "card_lost");
    EXPECT_EQ(classifier.Predict("what is my balance today").intent, "balance");
    EXPECT_EQ(classifier.Predict("please refund my order").intent, "refund");
    EXPECT_EQ(classifier.Predict("where is my package").intent, "delivery");
    const EvaluationReport report = Evaluate(classifier, TestData());
    EXPECT_GE(report.in_scope_accuracy, 0.75) << "model kind " << static_cast<int>(kind);
  }
}

TEST(IntentClassifier, AnswersOutOfScopeBelowThreshold) {
  auto options = SmallOptions();
  options.fixed_threshold = 1.0;
  const auto classifier = IntentClassifier::Train(TrainData(), {}, options);
  EXPECT_EQ(classifier.Threshold(), 1.0);
  // Not a training example, whose fitted confidence can reach 1.
  const Prediction prediction = classifier.Predict("i think i lost my card");
  ASSERT_LT(prediction.confidence, 1.0);
  EXPECT_EQ(prediction.intent, kOutOfScope);
  EXPECT_EQ(prediction.best_in_scope, "card_lost");
  EXPECT_GT(prediction.confidence, 0);
}

TEST(IntentClassifier, ChoosesThresholdOnCalibration) {
  const auto classifier = IntentClassifier::Train(TrainData(), TestData(), SmallOptions());
  EXPECT_GE(classifier.Threshold(), 0);
  EXPECT_LE(classifier.Threshold(), 1);
  const EvaluationReport report = Evaluate(classifier, TestData());
  EXPECT_GE(report.in_scope_accuracy, 0.75);
}

TEST(IntentClassifier, RejectsSingleLabel) {
  const std::vector<tools::Utterance> train{{"hello", "greeting"}, {"hi", "greeting"}};
  EXPECT_THROW(IntentClassifier::Train(train, {}, SmallOptions()), std::invalid_argument);
}

TEST(IntentClassifier, SameSeedSameModelBytes) {
  TemporaryDirectory directory;
  const auto first = directory.Path() / "first.intent-model";
  const auto second = directory.Path() / "second.intent-model";
  IntentClassifier::Train(TrainData(), TestData(), SmallOptions()).Save(first);
  IntentClassifier::Train(TrainData(), TestData(), SmallOptions()).Save(second);
  EXPECT_EQ(ReadBytes(first), ReadBytes(second));
}

TEST(IntentClassifier, SaveLoadKeepsPredictions) {
  TemporaryDirectory directory;
  const auto path = directory.Path() / "model.intent-model";
  const auto trained = IntentClassifier::Train(TrainData(), TestData(), SmallOptions());
  trained.Save(path);
  const auto loaded = IntentClassifier::Load(path);
  EXPECT_EQ(loaded.Labels(), trained.Labels());
  EXPECT_EQ(loaded.Threshold(), trained.Threshold());
  EXPECT_EQ(loaded.DataHash(), trained.DataHash());
  ExpectSamePredictions(loaded, trained);
}

TEST(IntentClassifier, LoadRejectsInvalidFile) {
  TemporaryDirectory directory;
  const auto path = directory.Path() / "broken.intent-model";
  EXPECT_THROW(IntentClassifier::Load(path), std::runtime_error);
  std::ofstream(path) << "not a model";
  EXPECT_THROW(IntentClassifier::Load(path), std::runtime_error);
  IntentClassifier::Train(TrainData(), {}, SmallOptions()).Save(path);
  const std::string bytes = ReadBytes(path);
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes.substr(0, bytes.size() / 2);
  EXPECT_THROW(IntentClassifier::Load(path), std::runtime_error);
}

TEST(LoadOrTrain, RetrainsOnlyWhenDataChanges) {
  TemporaryDirectory directory;
  const auto path = directory.Path() / "bot.intent-model";
  auto train = TrainData();
  bool retrained = false;
  LoadOrTrain(path, train, {}, SmallOptions(), &retrained);
  EXPECT_TRUE(retrained);
  LoadOrTrain(path, train, {}, SmallOptions(), &retrained);
  EXPECT_FALSE(retrained);

  train.push_back({"my card got eaten by the atm", "card_lost"});
  const auto changed = LoadOrTrain(path, train, {}, SmallOptions(), &retrained);
  EXPECT_TRUE(retrained);
  EXPECT_EQ(IntentClassifier::ReadDataHash(path), changed.DataHash());

  train.push_back({"i need a new pin", "pin_change"});
  train.push_back({"change my pin", "pin_change"});
  const auto more_intents = LoadOrTrain(path, train, {}, SmallOptions(), &retrained);
  EXPECT_TRUE(retrained);
  EXPECT_EQ(more_intents.Labels().size(), 6u);
}

TEST(LoadOrTrain, RetrainsTruncatedModel) {
  TemporaryDirectory directory;
  const auto path = directory.Path() / "bot.intent-model";
  const auto train = TrainData();
  bool retrained = false;
  LoadOrTrain(path, train, {}, SmallOptions(), &retrained);
  const auto bytes = ReadBytes(path);
  // The header and its data hash stay, the models after them are cut.
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes.substr(0, bytes.size() / 2);
  ASSERT_THROW(IntentClassifier::Load(path), std::runtime_error);

  const auto classifier = LoadOrTrain(path, train, {}, SmallOptions(), &retrained);
  EXPECT_TRUE(retrained);
  EXPECT_EQ(ReadBytes(path).size(), bytes.size());
  EXPECT_EQ(classifier.Predict("please refund my order").intent, "refund");
}

TEST(IntentClassifier, EdgeInputsNeverThrow) {
  const auto classifier = IntentClassifier::Train(TrainData(), TestData(), SmallOptions());
  std::string long_text;
  while (long_text.size() < 10 * 1024) {
    long_text += "where is my package and my refund ";
  }
  const std::vector<std::string> inputs{
      "",
      " \t\r\n ",
      "👍",
      "👍👍🎉",
      long_text,
      "Refund возврат 退款 استرداد",
      "my card 4111 1111 1111 1111 is lost",
      "************1111",
      std::string("\xff\xfe\x00", 3),
  };
  for (const auto& input : inputs) {
    const bot::IntentResult result = classifier.Detect(input);
    EXPECT_FALSE(result.intent.empty()) << input;
    EXPECT_GE(result.confidence, 0) << input;
    EXPECT_LE(result.confidence, 1) << input;
  }
  EXPECT_EQ(classifier.Detect("").intent, kOutOfScope);
  EXPECT_EQ(classifier.Detect("   ").intent, kOutOfScope);
  EXPECT_EQ(classifier.Detect("").confidence, 0);
}

TEST(IntentClassifier, EnsembleOptionsKeepBytesAndPredictions) {
  auto options = SmallOptions();
  options.fasttext_models = 2;
  options.extra_solvers = {LinearSolver::kLogistic};
  options.costs = {0.5, 2};
  options.ensemble_fit = EnsembleFit::kJoint;
  options.out_of_scope_rule = OutOfScopeRule::kTwoThresholds;
  options.nearest_neighbour = false;
  TemporaryDirectory directory;
  const auto first = directory.Path() / "first.intent-model";
  const auto trained = TrainTwiceExpectSameBytes(options, first);

  ASSERT_EQ(trained.Weights().size(), 3u);
  ASSERT_EQ(trained.Costs().size(), 2u);
  for (double cost : trained.Costs()) {
    EXPECT_TRUE(cost == 0.5 || cost == 2) << cost;
  }
  const auto loaded = IntentClassifier::Load(first);
  EXPECT_EQ(loaded.Weights(), trained.Weights());
  EXPECT_EQ(loaded.Costs(), trained.Costs());
  EXPECT_EQ(loaded.OutOfScopeThreshold(), trained.OutOfScopeThreshold());
  for (const auto& example : TestData()) {
    EXPECT_EQ(loaded.Predict(example.text).intent, trained.Predict(example.text).intent)
        << example.text;
  }
}

TEST(IntentClassifier, NeighbourAndTemperatureKeepBytesAndPredictions) {
  auto options = SmallOptions();
  options.nearest_neighbour = true;
  options.fasttext_temperature = true;
  options.fasttext.augment_copies = 1;
  TemporaryDirectory directory;
  const auto first = directory.Path() / "first.intent-model";
  const auto trained = TrainTwiceExpectSameBytes(options, first);

  // fastText, the SVM and the neighbour model.
  ASSERT_EQ(trained.Weights().size(), 3u);
  // Without calibration data the members are fitted out of fold, the neighbour model included.
  EXPECT_EQ(IntentClassifier::Train(TrainData(), {}, options).Weights().size(), 3u);
  EXPECT_GT(trained.FastTextPower(), 0);
  EXPECT_GE(Evaluate(trained, TestData()).in_scope_accuracy, 0.75);
  const auto loaded = IntentClassifier::Load(first);
  EXPECT_EQ(loaded.Weights(), trained.Weights());
  EXPECT_EQ(loaded.FastTextPower(), trained.FastTextPower());
  ExpectSamePredictions(loaded, trained);
}

// Writes a vector file in fastText's text format with a vector for every word of the training
// fixture. Each vector is a fixed function of the word's bytes, so the file is the same on
// every run.
std::filesystem::path WriteFixtureVectors(const std::filesystem::path& directory) {
  std::set<std::string> words;
  for (const auto& example : TrainData()) {
    for (auto& token : NormalizeTokens(example.text)) {
      words.insert(std::move(token));
    }
  }
  constexpr int kDim = 8;
  const auto path = directory / "fixture.vec";
  std::ofstream out(path);
  out << words.size() << " " << kDim << "\n";
  for (const auto& word : words) {
    out << word;
    std::uint32_t state = 2166136261u;
    for (char c : word) {
      state = (state ^ static_cast<unsigned char>(c)) * 16777619u;
    }
    for (int i = 0; i < kDim; ++i) {
      state = state * 1664525u + 1013904223u;
      out << " " << static_cast<float>(state >> 8) / 16777216.0f - 0.5f;
    }
    out << "\n";
  }
  return path;
}

TEST(IntentClassifier, EmbeddingMemberKeepsBytesAndPredictions) {
  TemporaryDirectory directory;
  auto options = SmallOptions();
  options.word_vectors = WriteFixtureVectors(directory.Path()).string();
  options.embedding.hidden = 16;
  options.embedding.epochs = 60;
  const auto first = directory.Path() / "first.intent-model";
  const auto trained = TrainTwiceExpectSameBytes(options, first);

  // fastText, the SVM, the neighbour model and the embedding model.
  ASSERT_EQ(trained.Weights().size(), 4u);
  // Without calibration data the members are fitted out of fold, the embedding model included.
  EXPECT_EQ(IntentClassifier::Train(TrainData(), {}, options).Weights().size(), 4u);
  EXPECT_GE(Evaluate(trained, TestData()).in_scope_accuracy, 0.75);
  const auto loaded = IntentClassifier::Load(first);
  EXPECT_EQ(loaded.Weights(), trained.Weights());
  ExpectSamePredictions(loaded, trained);

  options.word_vectors = (directory.Path() / "missing.vec").string();
  EXPECT_THROW(IntentClassifier::Train(TrainData(), TestData(), options), std::runtime_error);
}

TEST(IntentClassifier, NewOptionsChangeDataHash) {
  const auto base = SmallOptions();
  const auto base_hash = HashTrainingData(TrainData(), TestData(), base);
  auto neighbour = base;
  neighbour.nearest_neighbour = !base.nearest_neighbour;
  auto temperature = base;
  temperature.fasttext_temperature = !base.fasttext_temperature;
  auto augment = base;
  augment.fasttext.augment_copies = base.fasttext.augment_copies + 1;
  auto linear_augment = base;
  linear_augment.linear_augment_copies = base.linear_augment_copies + 1;
  auto vectors = base;
  vectors.fasttext.pretrained_vectors = "vectors.vec";
  EXPECT_NE(HashTrainingData(TrainData(), TestData(), neighbour), base_hash);
  EXPECT_NE(HashTrainingData(TrainData(), TestData(), temperature), base_hash);
  EXPECT_NE(HashTrainingData(TrainData(), TestData(), augment), base_hash);
  EXPECT_NE(HashTrainingData(TrainData(), TestData(), vectors), base_hash);
  EXPECT_NE(HashTrainingData(TrainData(), TestData(), linear_augment), base_hash);
  auto embedding = base;
  embedding.word_vectors = "vectors.vec";
  EXPECT_NE(HashTrainingData(TrainData(), TestData(), embedding), base_hash);
  auto embedding_networks = embedding;
  embedding_networks.embedding.networks = 2;
  EXPECT_NE(HashTrainingData(TrainData(), TestData(), embedding_networks),
            HashTrainingData(TrainData(), TestData(), embedding));
  auto fixed_vectors = embedding;
  fixed_vectors.embedding.vector_learning_rate = 0;
  EXPECT_NE(HashTrainingData(TrainData(), TestData(), fixed_vectors),
            HashTrainingData(TrainData(), TestData(), embedding));
}

TEST(IntentClassifier, LinearAugmentChangesLinearModel) {
  auto options = SmallOptions(ModelKind::kLinear);
  const auto plain = IntentClassifier::Train(TrainData(), {}, options);
  options.linear_augment_copies = 2;
  const auto augmented = IntentClassifier::Train(TrainData(), {}, options);
  bool any_confidence_changed = false;
  for (const auto& example : TestData()) {
    any_confidence_changed = any_confidence_changed || plain.Predict(example.text).confidence !=
                                                           augmented.Predict(example.text).confidence;
  }
  EXPECT_TRUE(any_confidence_changed);
  EXPECT_EQ(augmented.Predict("please refund my order").intent, "refund");
  EXPECT_GE(Evaluate(augmented, TestData()).in_scope_accuracy, 0.75);
}

TEST(Sharpen, RaisesToPowerAndRenormalizes) {
  const auto sharpened = Sharpen({0.2f, 0.8f}, 2);
  ASSERT_EQ(sharpened.size(), 2u);
  EXPECT_NEAR(sharpened[0], 0.04f / 0.68f, 1e-6f);
  EXPECT_NEAR(sharpened[1], 0.64f / 0.68f, 1e-6f);
  EXPECT_EQ(Sharpen({0.3f, 0.7f}, 1), (std::vector<float>{0.3f, 0.7f}));
  EXPECT_EQ(Sharpen({0, 0}, 2), (std::vector<float>{0, 0}));
}

TEST(IntentClassifier, JointFitReachesAtLeastLogLossFit) {
  // The joint search tries the log-loss choice among its settings, so it cannot do worse on
  // the calibration data. Two thresholds include the single-threshold rule in the same way.
  auto options = SmallOptions();
  options.costs = {0.25, 1, 4};
  const auto log_loss = IntentClassifier::Train(TrainData(), TestData(), options);
  options.ensemble_fit = EnsembleFit::kJoint;
  const auto joint = IntentClassifier::Train(TrainData(), TestData(), options);
  options.out_of_scope_rule = OutOfScopeRule::kTwoThresholds;
  const auto two_thresholds = IntentClassifier::Train(TrainData(), TestData(), options);
  EXPECT_GT(log_loss.CalibrationObjective(), 0);
  EXPECT_GE(joint.CalibrationObjective(), log_loss.CalibrationObjective());
  EXPECT_GE(two_thresholds.CalibrationObjective(), joint.CalibrationObjective());
  EXPECT_EQ(joint.OutOfScopeThreshold(), 2);
}

TEST(IntentClassifier, OutOfScopeThresholdIsCandidate) {
  // The second threshold is unused (2) or one of the candidates below 0.5.
  auto options = SmallOptions();
  options.out_of_scope_rule = OutOfScopeRule::kTwoThresholds;
  const auto classifier = IntentClassifier::Train(TrainData(), TestData(), options);
  const double oos_threshold = classifier.OutOfScopeThreshold();
  EXPECT_TRUE(oos_threshold == 2 || (oos_threshold > 0 && oos_threshold < 0.5)) << oos_threshold;
}

TEST(WeightGrid, CoversSimplex) {
  EXPECT_EQ(WeightGrid(1, 10).size(), 1u);
  EXPECT_EQ(WeightGrid(2, 10).size(), 11u);
  const auto three = WeightGrid(3, 10);
  EXPECT_EQ(three.size(), 66u);
  for (const auto& weights : three) {
    ASSERT_EQ(weights.size(), 3u);
    EXPECT_NEAR(weights[0] + weights[1] + weights[2], 1.0, 1e-6);
  }
  EXPECT_EQ(three.front(), (std::vector<float>{0, 0, 1}));
}

TEST(ParseEnsembleFit, RejectsUnknownNames) {
  EXPECT_EQ(ParseEnsembleFit("joint"), EnsembleFit::kJoint);
  EXPECT_THROW(ParseEnsembleFit("grid"), std::invalid_argument);
  EXPECT_EQ(ParseOutOfScopeRule("two_thresholds"), OutOfScopeRule::kTwoThresholds);
  EXPECT_THROW(ParseOutOfScopeRule("both"), std::invalid_argument);
}

TEST(HoldOutCalibration, KeepsEveryLabelInTraining) {
  const auto all = TrainData();
  const auto [train, calibration] = HoldOutCalibration(all, 3);
  EXPECT_EQ(train.size() + calibration.size(), all.size());
  EXPECT_FALSE(calibration.empty());
  for (const auto& example : all) {
    const bool in_train = std::any_of(
        train.begin(), train.end(), [&](const auto& kept) { return kept.label == example.label; });
    EXPECT_TRUE(in_train) << example.label;
  }
  const auto again = HoldOutCalibration(all, 3);
  ASSERT_EQ(again.second.size(), calibration.size());
  EXPECT_EQ(again.second.front().text, calibration.front().text);
}

}  // namespace
}  // namespace mobilelink::nlu
