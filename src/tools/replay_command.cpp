// The `mobilelink replay` subcommand.

#include <iostream>

#include <CLI/CLI.hpp>

#include "mobilelink/common/log.hpp"
#include "mobilelink/tools/replay.hpp"

namespace mobilelink::tools {

int RunReplay(const ReplayOptions& options) {
  std::vector<Utterance> utterances;
  ToolConfig config;
  try {
    utterances = ReadUtterances(options.input, options.splits);
    config = LoadToolConfig(options.config_path);
  } catch (const std::exception& error) {
    Logger("tools")->error("replay failed error=\"{}\"", error.what());
    return 2;
  }
  ReplayReport report;
  try {
    report = Replay(options, utterances, config);
  } catch (const std::exception& error) {
    Logger("tools")->error("replay failed error=\"{}\"", error.what());
    return 2;
  }
  std::cout << report.Summary() << report.ToJson() << std::endl;
  return report.failed == 0 ? 0 : 1;
}

void AddReplayCommand(CLI::App& app) {
  auto* command = app.add_subcommand(
      "replay",
      "Send a dataset of customer messages to the server as signed provider webhooks "
      "and report how the bot handled them");
  auto options = std::make_shared<ReplayOptions>();
  auto timeout_ms = std::make_shared<long>(options->timeout.count());
  command->add_option("--input", options->input, "Dataset: CLINC150 JSON or CSV with text,label")
      ->required()
      ->check(CLI::ExistingFile);
  command->add_option("--split", options->splits,
                      "JSON splits to read (repeatable); default test and oos_test");
  command->add_option("--inbox", options->inbox, "Inbox id in the config")->required();
  command->add_option("--url", options->url, "Server base URL, such as http://127.0.0.1:8080")
      ->required();
  command
      ->add_option("--provider", options->provider,
                   "Fake provider base URL, where the bot's replies are recorded")
      ->required();
  command->add_option("--config", options->config_path, "Server config with the inbox")
      ->capture_default_str();
  command
      ->add_option("--rate", options->rate_per_second,
                   "Messages per second overall; 0 sends as fast as --concurrency allows")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  command->add_option("--limit", options->limit, "Maximum messages to send; 0 sends all")
      ->capture_default_str();
  command
      ->add_option("--customers", options->customers,
                   "Number of synthetic customers; 0 gives each message its own")
      ->capture_default_str();
  command->add_option("--timeout-ms", *timeout_ms, "Wait for each reply, in milliseconds")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  command
      ->add_option("--concurrency", options->concurrency,
                   "Messages in flight at once, at most one per customer")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  command
      ->add_option("--seed", options->seed,
                   "Seed for the customer numbers; 0 picks a new one per run")
      ->capture_default_str();
  command->callback([options, timeout_ms] {
    options->timeout = std::chrono::milliseconds(*timeout_ms);
    const int code = RunReplay(*options);
    if (code != 0) {
      throw CLI::RuntimeError(code);
    }
  });
}

}  // namespace mobilelink::tools
