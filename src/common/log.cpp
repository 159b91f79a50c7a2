#include "mobilelink/common/log.hpp"

#include <map>
#include <mutex>
#include <string>

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>

namespace mobilelink {
namespace {

// Timestamps are UTC with milliseconds, so lines from several hosts sort together.
constexpr const char* kPattern = "%Y-%m-%dT%H:%M:%S.%eZ %l %n %v";

struct LoggerRegistry {
  std::mutex mutex;
  std::shared_ptr<spdlog::sinks::sink> sink;
  spdlog::level::level_enum level = spdlog::level::info;
  std::map<std::string, std::shared_ptr<spdlog::logger>, std::less<>> loggers;
};

// The registry is never destroyed, so threads that log during static destruction still find
// their logger.
LoggerRegistry& Registry() {
  static LoggerRegistry* registry = [] {
    auto* created = new LoggerRegistry();
    created->sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
    created->sink->set_formatter(
        std::make_unique<spdlog::pattern_formatter>(kPattern, spdlog::pattern_time_type::utc));
    return created;
  }();
  return *registry;
}

}  // namespace

std::shared_ptr<spdlog::logger> Logger(std::string_view layer) {
  LoggerRegistry& registry = Registry();
  std::lock_guard lock(registry.mutex);
  auto found = registry.loggers.find(layer);
  if (found != registry.loggers.end()) {
    return found->second;
  }

  auto logger = std::make_shared<spdlog::logger>(std::string(layer), registry.sink);
  logger->set_level(registry.level);
  registry.loggers.emplace(std::string(layer), logger);
  return logger;
}

void InitLogging(spdlog::level::level_enum level) {
  LoggerRegistry& registry = Registry();
  std::lock_guard lock(registry.mutex);
  registry.level = level;
  for (auto& [name, logger] : registry.loggers) {
    logger->set_level(level);
  }
}

void SetLogLevel(std::string_view layer, spdlog::level::level_enum level) {
  Logger(layer)->set_level(level);
}

std::string EscapeLogValue(std::string_view value) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string escaped;
  escaped.reserve(value.size());
  for (char c : value) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '\\' || c == '"') {
      escaped.push_back('\\');
      escaped.push_back(c);
    } else if (c == '\n') {
      escaped += "\\n";
    } else if (c == '\r') {
      escaped += "\\r";
    } else if (c == '\t') {
      escaped += "\\t";
    } else if (byte < 0x20 || byte == 0x7F) {
      escaped += "\\x";
      escaped.push_back(kHex[byte >> 4]);
      escaped.push_back(kHex[byte & 0x0F]);
    } else {
      escaped.push_back(c);
    }
  }
  return escaped;
}

}  // namespace mobilelink
