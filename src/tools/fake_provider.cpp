#include "mobilelink/tools/fake_provider.hpp"

#include <ctime>
#include <stdexcept>

#include <boost/json.hpp>

#include "mobilelink/common/log.hpp"
#include "mobilelink/tools/fake_provider_impl.hpp"

namespace mobilelink::tools {

std::optional<std::string> RecordedSend::Field(std::string_view name) const {
  for (const auto& [key, value] : fields) {
    if (key == name) {
      return value;
    }
  }
  return std::nullopt;
}

FakeProvider::Impl::Impl(FakeProviderOptions options, ToolConfig config)
    : options_(std::move(options)),
      config_(std::move(config)),
      random_(std::random_device{}()),
      callback_client_(http::MakeHttpClient(
          http::ClientOptions{.loopback_only = options_.loopback_callbacks_only})) {}

void FakeProvider::Impl::Start() {
  LoadState();
  if (!options_.state_path.empty()) {
    state_file_.open(options_.state_path, std::ios::app);
    if (!state_file_) {
      throw std::runtime_error("cannot open state file " + options_.state_path.string() +
                               " for appending");
    }
  }
  auto router = std::make_shared<http::Router>();
  AddControlRoutes(*router);
  AddTwilioRoutes(*router);
  AddWhatsAppRoutes(*router);
  http::ServerOptions server_options;
  server_options.host = options_.host;
  server_options.port = options_.port;
  server_options.threads = options_.threads;
  server_ = std::make_unique<http::Server>(server_options, router);
  server_->Start();
}

void FakeProvider::Impl::Stop() {
  if (stopped_) {
    return;
  }
  stopped_ = true;
  // Delayed responses and long polls complete now, so the server's grace period does not wait for
  // them.
  responses_.Stop();
  if (server_) {
    server_->Stop(std::chrono::milliseconds(2000));
  }
  callbacks_.Stop();
}

std::uint16_t FakeProvider::Impl::Port() const { return server_ ? server_->Port() : 0; }

std::string FakeProvider::Impl::BaseHost() const {
  if (options_.host == "0.0.0.0" || options_.host.empty()) {
    return "127.0.0.1";
  }
  if (options_.host == "::") {
    return "[::1]";
  }
  return options_.host;
}

std::vector<RecordedSend> FakeProvider::Impl::Messages() const {
  std::lock_guard lock(mutex_);
  return records_;
}

void FakeProvider::Impl::ClearMessages() {
  std::lock_guard lock(mutex_);
  records_.clear();
}

void FakeProvider::Impl::SetBehaviour(const FakeBehaviour& behaviour) {
  std::lock_guard lock(mutex_);
  behaviour_ = behaviour;
}

FakeBehaviour FakeProvider::Impl::Behaviour() const {
  std::lock_guard lock(mutex_);
  return behaviour_;
}

void FakeProvider::Impl::LoadState() {
  if (options_.state_path.empty() || !std::filesystem::exists(options_.state_path)) {
    return;
  }
  std::ifstream in(options_.state_path);
  if (!in) {
    throw std::runtime_error("cannot read state file " + options_.state_path.string());
  }
  std::string line;
  std::size_t line_number = 0;
  std::lock_guard lock(mutex_);
  while (std::getline(in, line)) {
    ++line_number;
    if (line.empty()) {
      continue;
    }
    try {
      records_.push_back(RecordFromJson(boost::json::parse(line)));
    } catch (const std::exception& error) {
      // A crash can cut the last line short; skipping it loses only that line.
      Logger("tools")->warn("fake provider skipped invalid state line file={} line={} error={}",
                            options_.state_path.string(), line_number, error.what());
      continue;
    }
    next_seq_ = std::max(next_seq_, records_.back().seq + 1);
  }
}

std::uint64_t FakeProvider::Impl::Record(RecordedSend record) {
  std::uint64_t seq = 0;
  {
    std::lock_guard lock(mutex_);
    seq = next_seq_++;
    record.seq = seq;
    if (state_file_.is_open()) {
      state_file_ << boost::json::serialize(RecordToJson(record)) << '\n' << std::flush;
    }
    records_.push_back(std::move(record));
  }
  WakeWaiters();
  return seq;
}

void FakeProvider::Impl::SetDeliveryStatus(std::uint64_t seq, const std::string& status) {
  std::lock_guard lock(mutex_);
  for (auto& record : records_) {
    if (record.seq == seq) {
      record.delivery_status = status;
      return;
    }
  }
}

void FakeProvider::Impl::Answer(const http::Responder& responder, http::HttpResponse response,
                                std::chrono::milliseconds delay) {
  if (delay.count() <= 0) {
    responder(std::move(response));
    return;
  }
  responses_.PostAfter(delay, [responder, response = std::move(response)]() mutable {
    responder(std::move(response));
  });
}

std::optional<FakeBehaviour> FakeProvider::Impl::TakeFailure() {
  std::lock_guard lock(mutex_);
  if (behaviour_.fail_next <= 0) {
    return std::nullopt;
  }
  --behaviour_.fail_next;
  return behaviour_;
}

std::string FakeProvider::Impl::RandomHex(std::size_t length) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::lock_guard lock(mutex_);
  std::string hex;
  hex.reserve(length);
  for (std::size_t i = 0; i < length; ++i) {
    hex += kDigits[random_() % 16];
  }
  return hex;
}

std::pair<std::vector<RecordedSend>, std::uint64_t> FakeProvider::Impl::SelectRecords(
    std::uint64_t since, const std::string& to) const {
  std::lock_guard lock(mutex_);
  std::vector<RecordedSend> selected;
  for (const auto& record : records_) {
    if (record.seq > since && (to.empty() || record.to == to)) {
      selected.push_back(record);
    }
  }
  return {std::move(selected), next_seq_ - 1};
}

std::string FormatRfc2822(std::chrono::system_clock::time_point time) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(time);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%s, %02d %s %04d %02d:%02d:%02d +0000", kDays[utc.tm_wday],
                utc.tm_mday, kMonths[utc.tm_mon], utc.tm_year + 1900, utc.tm_hour, utc.tm_min,
                utc.tm_sec);
  return buffer;
}

std::string FormatRfc3339(std::chrono::system_clock::time_point time) {
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
  const std::time_t seconds = static_cast<std::time_t>(millis / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                static_cast<int>(millis % 1000));
  return buffer;
}

bool IsE164(std::string_view number) {
  if (number.size() < 3 || number.size() > 16 || number[0] != '+' || number[1] == '0') {
    return false;
  }
  return number.substr(1).find_first_not_of("0123456789") == std::string_view::npos;
}

FakeProvider::FakeProvider(FakeProviderOptions options)
    : FakeProvider(options, options.config_path.empty() ? ToolConfig{}
                                                        : LoadToolConfig(options.config_path)) {}

FakeProvider::FakeProvider(FakeProviderOptions options, ToolConfig config)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(config))) {}

FakeProvider::~FakeProvider() { impl_->Stop(); }

void FakeProvider::Start() { impl_->Start(); }
std::uint16_t FakeProvider::Port() const { return impl_->Port(); }
std::vector<RecordedSend> FakeProvider::Messages() const { return impl_->Messages(); }
void FakeProvider::ClearMessages() { impl_->ClearMessages(); }
void FakeProvider::SetBehaviour(const FakeBehaviour& behaviour) { impl_->SetBehaviour(behaviour); }
FakeBehaviour FakeProvider::Behaviour() const { return impl_->Behaviour(); }
std::uint64_t FakeProvider::CallbacksDelivered() const { return impl_->callbacks_delivered; }
std::uint64_t FakeProvider::CallbacksAbandoned() const { return impl_->callbacks_abandoned; }
std::size_t FakeProvider::ReleaseHeldCallbacks() { return impl_->ReleaseHeldCallbacks(); }
void FakeProvider::Stop() { impl_->Stop(); }

std::string FakeProvider::BaseUrl() const {
  return "http://" + impl_->BaseHost() + ":" + std::to_string(Port());
}

}  // namespace mobilelink::tools
