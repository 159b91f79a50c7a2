#pragma once

// The `mobilelink nlu train` and `mobilelink nlu eval` subcommands.

#include <filesystem>
#include <string>

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

/// Trains (or keeps an up-to-date saved model) and prints a JSON summary. Returns the exit
/// code.
int RunNluTrain(const NluCommandOptions& options);

/// Trains in memory, evaluates on the test data and prints the metrics as one JSON object.
/// Returns the exit code.
int RunNluEval(const NluCommandOptions& options);

/// Registers `nlu train` and `nlu eval` on `app`.
void AddNluCommands(CLI::App& app);

}  // namespace mobilelink::nlu
