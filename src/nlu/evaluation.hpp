#pragma once

// Metrics of an intent classifier on labelled test data, as the CLINC150 paper defines them
// (Larson et al., EMNLP-IJCNLP 2019): accuracy over in-scope examples, where an out-of-scope
// answer counts as wrong, and recall over out-of-scope examples.

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "mobilelink/nlu/intent_classifier.hpp"
#include "mobilelink/tools/dataset.hpp"

namespace mobilelink::nlu {

struct EvaluationReport {
  double in_scope_accuracy = 0;
  double oos_recall = 0;
  double oos_precision = 0;
  double macro_f1 = 0;  // Mean F1 over the labels of the test data, oos included.
  std::size_t examples = 0;
  double train_seconds = 0;
  // CPU time of Predict() on one message in the calling thread. Wall time on a shared machine
  // also counts time spent waiting for a core, so it is reported apart.
  double p50_latency_us = 0;
  double p99_latency_us = 0;
  double p99_wall_latency_us = 0;
  std::uint64_t model_bytes = 0;
};

/// Computes the accuracy metrics of `predicted` against `expected` labels, index by index. An
/// expected label of kOutOfScope marks an out-of-scope example.
EvaluationReport ScorePredictions(const std::vector<std::string>& expected,
                                  const std::vector<std::string>& predicted);

/// Predicts every test example once, timing each call, and computes the metrics. Leaves
/// train_seconds and model_bytes at 0 for the caller.
EvaluationReport Evaluate(const IntentClassifier& classifier,
                          const std::vector<tools::Utterance>& test);

/// Splits examples into training and calibration: after a shuffle seeded by `seed`, every
/// tenth example of each label goes to calibration. A label with fewer than two examples
/// stays wholly in training.
std::pair<std::vector<tools::Utterance>, std::vector<tools::Utterance>> HoldOutCalibration(
    const std::vector<tools::Utterance>& examples, int seed);

}  // namespace mobilelink::nlu
