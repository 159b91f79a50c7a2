#pragma once

// The `mobilelink nlu train` and `mobilelink nlu eval` subcommands.

#include <filesystem>
#include <string>
#include <vector>

#include "mobilelink/nlu/intent_classifier.hpp"

namespace CLI {
class App;
}

namespace mobilelink::nlu {

struct NluCommandOptions {
  std::filesystem::path data;        // CLINC150 JSON layout.
  std::filesystem::path train;       // CSV text,label.
  std::filesystem::path validation;  // CSV; optional.
  std::filesystem::path test;        // CSV; eval only.
  std::filesystem::path model;       // train only; default beside the data.
  TrainingOptions training;
};

/// Training, validation and test examples of an `nlu` command.
struct NluSplits {
  std::vector<tools::Utterance> train;
  std::vector<tools::Utterance> calibration;
  std::vector<tools::Utterance> test;
};

/// Reads the CLINC150 layout from `data` (train on train + oos_train, calibrate on val +
/// oos_val, test on test + oos_test), or CSV from `train`, `validation` and `test`. Without a
/// validation file, a slice of the training data is held out for calibration. Throws
/// std::invalid_argument, naming the option, for a missing file, a file of the other format,
/// and `data` combined with a CSV option.
NluSplits ReadNluSplits(const NluCommandOptions& options, bool need_test);

/// Returns warnings about `splits` that change what the figures mean: no `oos` example in the
/// training and validation data (so nothing is answered `oos`), and test labels that the
/// training data lacks (each of their examples counts as an error).
std::vector<std::string> DataWarnings(const NluSplits& splits);

/// Trains (or keeps an up-to-date saved model) and prints a JSON summary. Returns the exit
/// code.
int RunNluTrain(const NluCommandOptions& options);

/// Trains in memory, evaluates on the test data and prints the metrics as one JSON object.
/// Returns the exit code.
int RunNluEval(const NluCommandOptions& options);

/// Registers `nlu train` and `nlu eval` on `app`.
void AddNluCommands(CLI::App& app);

}  // namespace mobilelink::nlu
