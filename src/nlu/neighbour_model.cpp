#include "mobilelink/nlu/neighbour_model.hpp"

#include <algorithm>
#include <cmath>
#include <istream>
#include <ostream>
#include <stdexcept>

#include "mobilelink/nlu/binary_io.hpp"

namespace mobilelink::nlu {

namespace {

constexpr int kHashBits = 18;
constexpr std::size_t kBuckets = std::size_t{1} << kHashBits;
constexpr float kValueScale = 65535;
constexpr std::uint64_t kMaxExamples = std::uint64_t{1} << 28;
constexpr std::uint64_t kMaxPostings = std::uint64_t{1} << 31;
// A feature found in more than this share of the examples, and in more than kMinPrunedCount of
// them, gets no postings. Such features (words like "my" or "what") have the longest posting
// lists and the lowest IDF, so skipping them cuts the time of a prediction most and changes a
// cosine similarity least. They still count in each vector's length.
constexpr double kMaxDocumentShare = 0.05;
constexpr double kMinPrunedCount = 100;

FeatureOptions WordFeatures() {
  FeatureOptions options;
  options.hash_bits = kHashBits;
  options.word_ngrams = 2;
  options.word_stems = true;
  // A shortest length above the longest turns character n-grams off.
  options.min_char_ngram = 2;
  options.max_char_ngram = 1;
  return options;
}

}  // namespace

std::vector<Feature> NeighbourModel::Weigh(const std::vector<std::string>& tokens) const {
  auto features = CountFeatures(tokens, WordFeatures());
  double norm = 0;
  for (auto& feature : features) {
    feature.value = (1 + std::log(feature.value)) * idf_[feature.index];
    norm += static_cast<double>(feature.value) * feature.value;
  }
  if (norm > 0) {
    const auto inverse = static_cast<float>(1 / std::sqrt(norm));
    for (auto& feature : features) {
      feature.value *= inverse;
    }
  }
  return features;
}

NeighbourModel NeighbourModel::Train(const std::vector<std::vector<std::string>>& examples,
                                     const std::vector<int>& labels, int label_count) {
  NeighbourModel model;
  model.label_count_ = label_count;
  model.example_labels_.assign(labels.begin(), labels.end());

  // Smoothed IDF, the same formula as the linear model's.
  std::vector<double> document_frequency(kBuckets, 0);
  std::vector<std::vector<Feature>> counts;
  counts.reserve(examples.size());
  for (const auto& tokens : examples) {
    counts.push_back(CountFeatures(tokens, WordFeatures()));
    for (const auto& feature : counts.back()) {
      document_frequency[feature.index] += 1;
    }
  }
  const double documents = static_cast<double>(examples.size());
  model.idf_.resize(kBuckets);
  for (std::size_t i = 0; i < kBuckets; ++i) {
    model.idf_[i] = static_cast<float>(std::log((1 + documents) / (1 + document_frequency[i])) + 1);
  }

  const double max_count = std::max(kMaxDocumentShare * documents, kMinPrunedCount);
  const auto indexed = [&](const Feature& feature) {
    return document_frequency[feature.index] <= max_count;
  };
  model.offsets_.assign(kBuckets + 1, 0);
  std::vector<std::vector<Feature>> weighed;
  weighed.reserve(examples.size());
  for (const auto& tokens : examples) {
    auto features = model.Weigh(tokens);
    features.erase(std::remove_if(features.begin(), features.end(),
                                  [&](const Feature& feature) { return !indexed(feature); }),
                   features.end());
    for (const auto& feature : features) {
      model.offsets_[feature.index + 1] += 1;
    }
    weighed.push_back(std::move(features));
  }
  for (std::size_t i = 0; i < kBuckets; ++i) {
    model.offsets_[i + 1] += model.offsets_[i];
  }
  model.posting_examples_.resize(model.offsets_.back());
  model.posting_values_.resize(model.offsets_.back());
  std::vector<std::uint32_t> next(model.offsets_.begin(), model.offsets_.end() - 1);
  for (std::size_t example = 0; example < weighed.size(); ++example) {
    for (const auto& feature : weighed[example]) {
      const std::uint32_t slot = next[feature.index]++;
      model.posting_examples_[slot] = static_cast<std::uint32_t>(example);
      model.posting_values_[slot] =
          static_cast<std::uint16_t>(std::lround(feature.value * kValueScale));
    }
  }
  return model;
}

std::vector<float> NeighbourModel::Scores(const std::vector<std::string>& tokens) const {
  std::vector<float> scores(static_cast<std::size_t>(label_count_), 0);
  const auto query = Weigh(tokens);
  // One dot product per training example, accumulated feature by feature from the postings.
  // Examples that share no feature keep 0, which never raises a label's score.
  std::vector<float> similarity(example_labels_.size(), 0);
  for (const auto& feature : query) {
    const float weight = feature.value / kValueScale;
    for (std::uint32_t slot = offsets_[feature.index]; slot < offsets_[feature.index + 1];
         ++slot) {
      similarity[posting_examples_[slot]] += weight * static_cast<float>(posting_values_[slot]);
    }
  }
  for (std::size_t example = 0; example < similarity.size(); ++example) {
    float& score = scores[static_cast<std::size_t>(example_labels_[example])];
    score = std::max(score, std::min(similarity[example], 1.0f));
  }
  return scores;
}

void NeighbourModel::Write(std::ostream& out) const {
  io::Put<std::int32_t>(out, label_count_);
  io::PutVector(out, example_labels_);
  io::PutVector(out, idf_);
  io::PutVector(out, offsets_);
  io::PutVector(out, posting_examples_);
  io::PutVector(out, posting_values_);
}

NeighbourModel NeighbourModel::Read(std::istream& in) {
  NeighbourModel model;
  model.label_count_ = io::Get<std::int32_t>(in);
  model.example_labels_ = io::GetVector<std::int32_t>(in, kMaxExamples);
  model.idf_ = io::GetVector<float>(in, kBuckets);
  model.offsets_ = io::GetVector<std::uint32_t>(in, kBuckets + 1);
  model.posting_examples_ = io::GetVector<std::uint32_t>(in, kMaxPostings);
  model.posting_values_ = io::GetVector<std::uint16_t>(in, kMaxPostings);
  const bool valid_offsets =
      model.idf_.size() == kBuckets && model.offsets_.size() == kBuckets + 1 &&
      model.offsets_.front() == 0 &&
      std::is_sorted(model.offsets_.begin(), model.offsets_.end()) &&
      model.offsets_.back() == model.posting_examples_.size() &&
      model.posting_values_.size() == model.posting_examples_.size();
  const bool valid_examples =
      std::all_of(model.posting_examples_.begin(), model.posting_examples_.end(),
                  [&](std::uint32_t example) { return example < model.example_labels_.size(); });
  const bool valid_labels =
      model.label_count_ >= 2 &&
      std::all_of(model.example_labels_.begin(), model.example_labels_.end(),
                  [&](std::int32_t label) { return label >= 0 && label < model.label_count_; });
  if (!valid_offsets || !valid_examples || !valid_labels) {
    throw std::runtime_error("model file has an invalid nearest-neighbour index");
  }
  return model;
}

}  // namespace mobilelink::nlu
