#include "mobilelink/nlu/embedding_model.hpp"

#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace mobilelink::nlu {
namespace {

// Pets lie along the first axis and vehicles along the second; "my" and "the" carry no label.
WordVectors Vectors() {
  WordVectors vectors;
  vectors.dim = 4;
  vectors.vectors = {{"dog", {1, 0.1f, 0, 0}},   {"cat", {0.9f, 0, 0.1f, 0}},
                     {"car", {0, 1, 0, 0.1f}},   {"bus", {0.1f, 0.9f, 0, 0}},
                     {"my", {0, 0, 1, 0}},       {"the", {0, 0, 0.2f, 1}},
                     {"zebra", {0.5f, 0.5f, 0.5f, 0.5f}}};
  return vectors;
}

std::vector<std::vector<std::string>> Examples() {
  return {{"my", "dog"}, {"the", "cat"}, {"dog"}, {"my", "car"}, {"the", "bus"}, {"bus"}};
}

const std::vector<int> kLabels{0, 0, 0, 1, 1, 1};

EmbeddingOptions SmallOptions() {
  EmbeddingOptions options;
  options.hidden = 8;
  options.epochs = 200;
  options.batch = 2;
  options.vector_learning_rate = 0;  // The vectors stay as read unless a test sets a rate.
  return options;
}

std::string Bytes(const EmbeddingModel& model) {
  std::ostringstream out;
  model.Write(out);
  return out.str();
}

TEST(EmbeddingModel, LearnsLabelsFromWordVectors) {
  const auto model = EmbeddingModel::Train(Examples(), kLabels, 2, Vectors(), SmallOptions(), 3);
  ASSERT_EQ(model.LabelCount(), 2);
  const auto pet = model.Scores({"the", "dog"});
  const auto vehicle = model.Scores({"my", "bus"});
  ASSERT_EQ(pet.size(), 2u);
  EXPECT_GT(pet[0], pet[1]);
  EXPECT_GT(vehicle[1], vehicle[0]);
}

TEST(EmbeddingModel, KeepsOnlyTrainingWords) {
  const auto model = EmbeddingModel::Train(Examples(), kLabels, 2, Vectors(), SmallOptions(), 3);
  // "zebra" has a vector in the file but occurs in no training example, so the model has none
  // for it, and the message scores as one with no known word.
  EXPECT_EQ(model.Scores({"zebra"}), model.Scores({}));
  EXPECT_EQ(model.Scores({"dog", "zebra"}), model.Scores({"dog"}));
}

TEST(EmbeddingModel, SameSeedSameBytes) {
  const auto first = EmbeddingModel::Train(Examples(), kLabels, 2, Vectors(), SmallOptions(), 3);
  const auto second = EmbeddingModel::Train(Examples(), kLabels, 2, Vectors(), SmallOptions(), 3);
  const auto other = EmbeddingModel::Train(Examples(), kLabels, 2, Vectors(), SmallOptions(), 4);
  EXPECT_EQ(Bytes(first), Bytes(second));
  EXPECT_NE(Bytes(first), Bytes(other));
}

TEST(EmbeddingModel, AveragesNetworksOfConsecutiveSeeds) {
  auto options = SmallOptions();
  options.networks = 2;
  const auto pair = EmbeddingModel::Train(Examples(), kLabels, 2, Vectors(), options, 3);
  const auto first = EmbeddingModel::Train(Examples(), kLabels, 2, Vectors(), SmallOptions(), 3);
  const auto second = EmbeddingModel::Train(Examples(), kLabels, 2, Vectors(), SmallOptions(), 4);
  const std::vector<std::string> message{"my", "cat"};
  const auto mean = pair.Scores(message);
  for (int label = 0; label < 2; ++label) {
    EXPECT_NEAR(mean[label], (first.Scores(message)[label] + second.Scores(message)[label]) / 2,
                1e-5f);
  }
}

TEST(EmbeddingModel, WriteReadKeepsScores) {
  auto options = SmallOptions();
  options.networks = 2;
  const auto trained = EmbeddingModel::Train(Examples(), kLabels, 2, Vectors(), options, 3);
  std::istringstream in(Bytes(trained));
  const auto loaded = EmbeddingModel::Read(in);
  EXPECT_EQ(Bytes(loaded), Bytes(trained));
  for (const auto& message : Examples()) {
    EXPECT_EQ(loaded.Scores(message), trained.Scores(message));
  }
}

TEST(EmbeddingModel, TunedVectorsSeparateSharedVector) {
  WordVectors vectors;
  vectors.dim = 4;
  vectors.vectors = {{"ant", {0.5f, 0.5f, 0, 0}}, {"emu", {0.5f, 0.5f, 0, 0}}};
  const std::vector<std::vector<std::string>> examples{{"ant"}, {"emu"}, {"ant"}, {"emu"}};
  const std::vector<int> labels{0, 1, 0, 1};
  const auto fixed = EmbeddingModel::Train(examples, labels, 2, vectors, SmallOptions(), 3);
  EXPECT_EQ(fixed.Scores({"ant"}), fixed.Scores({"emu"}));

  auto options = SmallOptions();
  options.vector_learning_rate = 0.5f;
  const auto tuned = EmbeddingModel::Train(examples, labels, 2, vectors, options, 3);
  const auto ant = tuned.Scores({"ant"});
  const auto emu = tuned.Scores({"emu"});
  EXPECT_GT(ant[0], ant[1]);
  EXPECT_GT(emu[1], emu[0]);
}

TEST(EmbeddingModel, TunedVectorsKeepBytesAndScores) {
  auto options = SmallOptions();
  options.vector_learning_rate = 0.5f;
  const auto first = EmbeddingModel::Train(Examples(), kLabels, 2, Vectors(), options, 3);
  const auto second = EmbeddingModel::Train(Examples(), kLabels, 2, Vectors(), options, 3);
  const auto fixed = EmbeddingModel::Train(Examples(), kLabels, 2, Vectors(), SmallOptions(), 3);
  EXPECT_EQ(Bytes(first), Bytes(second));
  EXPECT_NE(Bytes(first), Bytes(fixed));
  std::istringstream in(Bytes(first));
  const auto loaded = EmbeddingModel::Read(in);
  for (const auto& message : Examples()) {
    EXPECT_EQ(loaded.Scores(message), first.Scores(message));
  }
}

TEST(EmbeddingModel, ReadRejectsTruncatedStream) {
  const auto bytes =
      Bytes(EmbeddingModel::Train(Examples(), kLabels, 2, Vectors(), SmallOptions(), 3));
  for (std::size_t size : {std::size_t{0}, std::size_t{7}, bytes.size() / 2, bytes.size() - 1}) {
    std::istringstream in(bytes.substr(0, size));
    EXPECT_THROW(EmbeddingModel::Read(in), std::runtime_error) << size;
  }
}

TEST(EmbeddingModel, RejectsMissingVectorsAndInvalidOptions) {
  EXPECT_THROW(EmbeddingModel::Train(Examples(), kLabels, 2, WordVectors{}, SmallOptions(), 3),
               std::invalid_argument);
  auto options = SmallOptions();
  options.hidden = 0;
  EXPECT_THROW(EmbeddingModel::Train(Examples(), kLabels, 2, Vectors(), options, 3),
               std::invalid_argument);
  options = SmallOptions();
  options.learning_rate = 0;
  EXPECT_THROW(EmbeddingModel::Train(Examples(), kLabels, 2, Vectors(), options, 3),
               std::invalid_argument);
  options = SmallOptions();
  options.networks = 0;
  EXPECT_THROW(EmbeddingModel::Train(Examples(), kLabels, 2, Vectors(), options, 3),
               std::invalid_argument);
  options = SmallOptions();
  options.vector_learning_rate = -0.1f;
  EXPECT_THROW(EmbeddingModel::Train(Examples(), kLabels, 2, Vectors(), options, 3),
               std::invalid_argument);
  // Networks would share the vectors that each of them moves.
  options = SmallOptions();
  options.vector_learning_rate = 0.5f;
  options.networks = 2;
  EXPECT_THROW(EmbeddingModel::Train(Examples(), kLabels, 2, Vectors(), options, 3),
               std::invalid_argument);
}

}  // namespace
}  // namespace mobilelink::nlu
