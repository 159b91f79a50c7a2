#include "mobilelink/nlu/calibration.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <limits>
#include <optional>

#include "mobilelink/nlu/text_normalizer.hpp"
#include "mobilelink/nlu/threshold.hpp"

namespace mobilelink::nlu {

namespace {

// Softmax temperatures tried for linear model scores. The one with the lowest log loss on the
// calibration examples is kept.
constexpr float kLinearScales[] = {1, 2, 3, 5, 8, 12, 20, 30, 50};
// Powers tried for fastText's probabilities when options.fasttext_temperature is set.
constexpr float kFastTextPowers[] = {0.25f, 0.35f, 0.5f, 0.7f, 1, 1.4f, 2, 3};
// Ensemble weights are tried in steps of 1 / kWeightSteps.
constexpr int kWeightSteps = 10;
// Floor of a probability inside a log loss, so that one confident miss cannot dominate.
constexpr float kMinProbability = 1e-6f;
// Candidates of the second threshold on the `oos` probability. From 0.5 up it changes nothing,
// because an `oos` probability above 0.5 is the top probability anyway.
constexpr int kOutOfScopeSteps = 25;
constexpr float kOutOfScopeStep = 0.02f;
// An out-of-scope threshold that no probability reaches.
constexpr float kUnusedThreshold = 2;

// One member's probabilities on every calibration example, row after row.
struct MemberTable {
  std::vector<float> probabilities;
  float scale = 1;
  double loss = 0;
};

// The calibration examples as the fitting sees them.
struct Examples {
  std::vector<int> label;  // Index among the classifier's labels, or -1 when unknown to it.
  std::vector<int> answer;  // The right answer for the threshold: label, or the oos answer.
  int label_count = 0;      // Labels of the classifier.
  int answer_count = 0;     // Labels plus an oos answer when there is no oos class.
  int out_of_scope_answer = 0;
  int out_of_scope_label = -1;
};

double LogLoss(const Examples& examples, const std::vector<float>& probabilities) {
  double loss = 0;
  for (std::size_t row = 0; row < examples.label.size(); ++row) {
    const int label = examples.label[row];
    if (label >= 0) {
      const float p = probabilities[row * examples.label_count + label];
      loss -= std::log(std::max(p, kMinProbability));
    }
  }
  return loss;
}

// Fits the softmax scale of one linear model's scores by log loss.
MemberTable FitScale(const Examples& examples, const std::vector<std::vector<float>>& scores) {
  MemberTable best;
  best.loss = std::numeric_limits<double>::infinity();
  for (float scale : kLinearScales) {
    MemberTable table;
    table.scale = scale;
    table.probabilities.reserve(scores.size() * examples.label_count);
    for (const auto& row : scores) {
      const auto probabilities = Softmax(row, scale);
      table.probabilities.insert(table.probabilities.end(), probabilities.begin(),
                                 probabilities.end());
    }
    table.loss = LogLoss(examples, table.probabilities);
    if (table.loss < best.loss) {
      best = std::move(table);
    }
  }
  return best;
}

// Replaces the table, which contains fastText's probabilities unchanged, with them raised to the
// power of lowest log loss.
void FitPower(const Examples& examples, MemberTable& table) {
  const std::size_t labels = static_cast<std::size_t>(examples.label_count);
  MemberTable best;
  best.loss = std::numeric_limits<double>::infinity();
  for (float power : kFastTextPowers) {
    MemberTable candidate;
    candidate.scale = power;
    candidate.probabilities.reserve(table.probabilities.size());
    for (std::size_t row = 0; row < examples.label.size(); ++row) {
      const auto first = table.probabilities.begin() + static_cast<std::ptrdiff_t>(row * labels);
      const auto sharpened =
          Sharpen(std::vector<float>(first, first + static_cast<std::ptrdiff_t>(labels)), power);
      candidate.probabilities.insert(candidate.probabilities.end(), sharpened.begin(),
                                     sharpened.end());
    }
    candidate.loss = LogLoss(examples, candidate.probabilities);
    if (candidate.loss < best.loss) {
      best = std::move(candidate);
    }
  }
  table = std::move(best);
}

std::vector<float> Mix(const std::vector<const MemberTable*>& members,
                       const std::vector<float>& weights) {
  std::vector<float> mixed(members.front()->probabilities.size(), 0);
  for (std::size_t m = 0; m < members.size(); ++m) {
    const auto& probabilities = members[m]->probabilities;
    for (std::size_t i = 0; i < mixed.size(); ++i) {
      mixed[i] += weights[m] * probabilities[i];
    }
  }
  return mixed;
}

// The thresholds of one ensemble setting and the objective value they reach.
struct RuleChoice {
  float threshold = 0;
  float out_of_scope_threshold = kUnusedThreshold;
  double value = -1;
};

// Chooses the threshold for each candidate out-of-scope threshold and keeps the best pair.
// Without an oos class, or with the top-probability rule, only the first threshold is chosen.
RuleChoice ChooseRule(const Examples& examples, const std::vector<float>& probabilities,
                      const TrainingOptions& options) {
  const int labels = examples.label_count;
  const std::size_t rows = examples.answer.size();
  std::vector<int> top(rows);
  std::vector<float> top_probability(rows);
  std::vector<float> out_of_scope_probability(rows, 0);
  for (std::size_t row = 0; row < rows; ++row) {
    const float* p = &probabilities[row * labels];
    top[row] = static_cast<int>(std::max_element(p, p + labels) - p);
    top_probability[row] = p[top[row]];
    if (examples.out_of_scope_label >= 0) {
      out_of_scope_probability[row] = p[examples.out_of_scope_label];
    }
  }
  std::vector<float> candidates{kUnusedThreshold};
  if (options.out_of_scope_rule == OutOfScopeRule::kTwoThresholds &&
      examples.out_of_scope_label >= 0) {
    for (int step = kOutOfScopeSteps - 1; step >= 1; --step) {
      candidates.push_back(static_cast<float>(step) * kOutOfScopeStep);
    }
  }
  RuleChoice best;
  std::vector<ScoredExample> scored(rows);
  for (float out_of_scope_threshold : candidates) {
    for (std::size_t row = 0; row < rows; ++row) {
      scored[row].actual = examples.answer[row];
      scored[row].predicted = out_of_scope_probability[row] >= out_of_scope_threshold
                                  ? examples.out_of_scope_answer
                                  : top[row];
      scored[row].probability = top_probability[row];
    }
    RuleChoice choice;
    choice.out_of_scope_threshold = out_of_scope_threshold;
    if (options.fixed_threshold >= 0) {
      choice.threshold = static_cast<float>(options.fixed_threshold);
      choice.value = ObjectiveAt(scored, examples.answer_count, examples.out_of_scope_answer,
                                 choice.threshold, options.threshold_objective);
    } else {
      const ThresholdChoice threshold = ChooseThreshold(
          scored, examples.answer_count, examples.out_of_scope_answer, options.threshold_objective);
      choice.threshold = threshold.threshold;
      choice.value = threshold.value;
    }
    if (choice.value > best.value) {
      best = choice;
    }
  }
  return best;
}

// Returns the label index and the expected threshold answer of each calibration example.
Examples ReadExamples(const std::vector<std::string>& labels, int out_of_scope_label,
                      const std::vector<tools::Utterance>& calibration) {
  Examples examples;
  examples.label_count = static_cast<int>(labels.size());
  examples.out_of_scope_label = out_of_scope_label;
  examples.answer_count = examples.label_count + (examples.out_of_scope_label < 0 ? 1 : 0);
  examples.out_of_scope_answer =
      examples.out_of_scope_label < 0 ? examples.answer_count - 1 : examples.out_of_scope_label;
  for (const auto& example : calibration) {
    const auto found = std::find(labels.begin(), labels.end(), example.label);
    const int label = found == labels.end() ? -1 : static_cast<int>(found - labels.begin());
    examples.label.push_back(label);
    examples.answer.push_back(example.label == kOutOfScope ? examples.out_of_scope_answer : label);
  }
  return examples;
}

// Returns the settings to try, each the index of one C per linear member: with kLogLoss only
// the C of lowest loss, with kJoint every combination.
std::vector<std::vector<std::size_t>> CostSettings(
    const std::vector<std::vector<MemberTable>>& tables, std::size_t cost_count, EnsembleFit fit) {
  std::vector<std::vector<std::size_t>> settings;
  if (fit == EnsembleFit::kLogLoss) {
    std::vector<std::size_t> setting;
    for (const auto& member : tables) {
      std::size_t best = 0;
      for (std::size_t i = 1; i < member.size(); ++i) {
        if (member[i].loss < member[best].loss) {
          best = i;
        }
      }
      setting.push_back(best);
    }
    settings.push_back(setting);
    return settings;
  }
  settings.emplace_back(tables.size(), 0);
  for (;;) {
    std::vector<std::size_t> next = settings.back();
    std::size_t member = 0;
    while (member < next.size() && ++next[member] == cost_count) {
      next[member] = 0;
      member += 1;
    }
    if (member == next.size()) {
      break;
    }
    settings.push_back(next);
  }
  return settings;
}

}  // namespace

std::vector<float> Softmax(const std::vector<float>& scores, float scale) {
  std::vector<float> result(scores.size());
  if (scores.empty()) {
    return result;
  }
  const float top = *std::max_element(scores.begin(), scores.end());
  double sum = 0;
  for (std::size_t i = 0; i < scores.size(); ++i) {
    result[i] = std::exp(scale * (scores[i] - top));
    sum += result[i];
  }
  for (auto& value : result) {
    value = static_cast<float>(value / sum);
  }
  return result;
}

std::vector<float> Sharpen(std::vector<float> probabilities, float power) {
  if (power == 1) {
    return probabilities;
  }
  double sum = 0;
  for (auto& value : probabilities) {
    value = std::pow(value, power);
    sum += value;
  }
  if (sum > 0) {
    for (auto& value : probabilities) {
      value = static_cast<float>(value / sum);
    }
  }
  return probabilities;
}

std::vector<float> AverageFastText(const std::vector<FastTextModel>& models,
                                   const std::string& line) {
  std::vector<float> average;
  for (const auto& model : models) {
    const auto probabilities = model.Probabilities(line);
    average.resize(probabilities.size(), 0);
    for (std::size_t i = 0; i < probabilities.size(); ++i) {
      average[i] += probabilities[i] / static_cast<float>(models.size());
    }
  }
  return average;
}

std::vector<std::vector<float>> WeightGrid(int members, int steps) {
  std::vector<std::vector<float>> grid;
  std::vector<int> counts(members, 0);
  // Enumerates every split of `steps` into `members` counts, the first count slowest.
  const auto fill = [&](const auto& self, int member, int left) -> void {
    if (member == members - 1) {
      counts[member] = left;
      std::vector<float> weights;
      for (int count : counts) {
        weights.push_back(static_cast<float>(count) / static_cast<float>(steps));
      }
      grid.push_back(std::move(weights));
      return;
    }
    for (int count = 0; count <= left; ++count) {
      counts[member] = count;
      self(self, member + 1, left - count);
    }
  };
  if (members > 0) {
    fill(fill, 0, steps);
  }
  return grid;
}

void MemberOutputs::Append(MemberOutputs&& other) {
  const auto append = [](std::vector<std::vector<float>>& rows,
                         std::vector<std::vector<float>>& more) {
    rows.insert(rows.end(), std::make_move_iterator(more.begin()),
                std::make_move_iterator(more.end()));
  };
  append(fasttext, other.fasttext);
  linear.resize(other.linear.size());
  for (std::size_t m = 0; m < other.linear.size(); ++m) {
    linear[m].resize(other.linear[m].size());
    for (std::size_t i = 0; i < other.linear[m].size(); ++i) {
      append(linear[m][i], other.linear[m][i]);
    }
  }
  append(neighbour, other.neighbour);
  append(embedding, other.embedding);
}

void Calibration::Run(IntentClassifier& classifier,
                      std::vector<std::vector<LinearModel>> candidates,
                      const std::vector<double>& costs,
                      const std::vector<tools::Utterance>& calibration,
                      const TrainingOptions& options) {
  if (!calibration.empty()) {
    const MemberOutputs outputs = Score(classifier, candidates, calibration);
    Fit(classifier, std::move(candidates), costs, outputs, calibration, options);
    return;
  }
  // Nothing to fit on: the one trained C, a scale of 1 and equal weights.
  for (auto& member : candidates) {
    classifier.linear_.push_back(std::move(member.front()));
    classifier.linear_scales_.push_back(1);
    classifier.linear_costs_.push_back(costs.front());
  }
  const std::size_t member_count = (classifier.fasttext_.empty() ? 0 : 1) +
                                   classifier.linear_.size() + (classifier.neighbour_ ? 1 : 0) +
                                   (classifier.embedding_ ? 1 : 0);
  classifier.weights_.assign(member_count, 1.0f / static_cast<float>(member_count));
  classifier.threshold_ = options.fixed_threshold >= 0
                              ? static_cast<float>(options.fixed_threshold)
                              : 0.0f;
  classifier.out_of_scope_threshold_ = kUnusedThreshold;
}

MemberOutputs Calibration::Score(const IntentClassifier& classifier,
                                 const std::vector<std::vector<LinearModel>>& candidates,
                                 const std::vector<tools::Utterance>& examples) {
  MemberOutputs outputs;
  std::vector<std::vector<std::string>> tokens;
  tokens.reserve(examples.size());
  for (const auto& example : examples) {
    tokens.push_back(NormalizeTokens(example.text));
  }
  const auto score_all = [&](const auto& model) {
    std::vector<std::vector<float>> rows;
    rows.reserve(tokens.size());
    for (const auto& example_tokens : tokens) {
      rows.push_back(model.Scores(example_tokens));
    }
    return rows;
  };
  if (!classifier.fasttext_.empty()) {
    for (const auto& example : examples) {
      outputs.fasttext.push_back(
          AverageFastText(classifier.fasttext_, NormalizeText(example.text)));
    }
  }
  for (const auto& member : candidates) {
    outputs.linear.emplace_back();
    for (const auto& model : member) {
      outputs.linear.back().push_back(score_all(model));
    }
  }
  if (classifier.neighbour_) {
    outputs.neighbour = score_all(*classifier.neighbour_);
  }
  if (classifier.embedding_) {
    outputs.embedding = score_all(*classifier.embedding_);
  }
  return outputs;
}

void Calibration::Fit(IntentClassifier& classifier,
                      std::vector<std::vector<LinearModel>> candidates,
                      const std::vector<double>& costs, const MemberOutputs& outputs,
                      const std::vector<tools::Utterance>& calibration,
                      const TrainingOptions& options) {
  const std::size_t member_count = (classifier.fasttext_.empty() ? 0 : 1) + candidates.size() +
                                   (classifier.neighbour_ ? 1 : 0) +
                                   (classifier.embedding_ ? 1 : 0);
  const Examples examples =
      ReadExamples(classifier.labels_, classifier.out_of_scope_label_, calibration);

  std::optional<MemberTable> fasttext;
  if (!classifier.fasttext_.empty()) {
    fasttext.emplace();
    for (const auto& probabilities : outputs.fasttext) {
      fasttext->probabilities.insert(fasttext->probabilities.end(), probabilities.begin(),
                                     probabilities.end());
    }
    if (options.fasttext_temperature) {
      FitPower(examples, *fasttext);
      classifier.fasttext_power_ = fasttext->scale;
    }
  }
  // tables[member][i] holds the member trained with costs[i].
  std::vector<std::vector<MemberTable>> tables;
  for (const auto& member : outputs.linear) {
    tables.emplace_back();
    for (const auto& scores : member) {
      tables.back().push_back(FitScale(examples, scores));
    }
  }
  std::optional<MemberTable> neighbour;
  if (classifier.neighbour_) {
    neighbour = FitScale(examples, outputs.neighbour);
    classifier.neighbour_scale_ = neighbour->scale;
  }
  std::optional<MemberTable> embedding;
  if (classifier.embedding_) {
    embedding = FitScale(examples, outputs.embedding);
    classifier.embedding_scale_ = embedding->scale;
  }

  const auto settings = CostSettings(tables, costs.size(), options.ensemble_fit);

  const auto weight_grid = WeightGrid(static_cast<int>(member_count), kWeightSteps);
  RuleChoice best_rule;
  std::vector<std::size_t> best_setting = settings.front();
  std::vector<float> best_weights;
  for (const auto& setting : settings) {
    std::vector<const MemberTable*> members;
    if (fasttext) {
      members.push_back(&*fasttext);
    }
    for (std::size_t m = 0; m < setting.size(); ++m) {
      members.push_back(&tables[m][setting[m]]);
    }
    if (neighbour) {
      members.push_back(&*neighbour);
    }
    if (embedding) {
      members.push_back(&*embedding);
    }
    if (options.ensemble_fit == EnsembleFit::kLogLoss) {
      double best_loss = std::numeric_limits<double>::infinity();
      for (const auto& weights : weight_grid) {
        const double loss = LogLoss(examples, Mix(members, weights));
        if (loss < best_loss) {
          best_loss = loss;
          best_weights = weights;
        }
      }
      best_rule = ChooseRule(examples, Mix(members, best_weights), options);
      break;
    }
    for (const auto& weights : weight_grid) {
      const RuleChoice rule = ChooseRule(examples, Mix(members, weights), options);
      if (rule.value > best_rule.value) {
        best_rule = rule;
        best_setting = setting;
        best_weights = weights;
      }
    }
  }

  for (std::size_t m = 0; m < candidates.size(); ++m) {
    classifier.linear_.push_back(std::move(candidates[m][best_setting[m]]));
    classifier.linear_scales_.push_back(tables[m][best_setting[m]].scale);
    classifier.linear_costs_.push_back(costs[best_setting[m]]);
  }
  classifier.weights_ = best_weights;
  classifier.threshold_ = best_rule.threshold;
  classifier.out_of_scope_threshold_ = best_rule.out_of_scope_threshold;
  classifier.calibration_objective_ =
      options.threshold_objective == ThresholdObjective::kAccuracy
          ? best_rule.value / static_cast<double>(calibration.size())
          : best_rule.value;
}

}  // namespace mobilelink::nlu
