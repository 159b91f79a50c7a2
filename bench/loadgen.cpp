// A closed-loop HTTP load generator for signed provider webhooks.
//
// Each connection is one thread with one keep-alive socket that sends a request, waits for the
// answer and sends the next, so the offered load adapts to the server (like wrk). In `twilio`
// mode every request is a new inbound SMS with a unique MessageSid from one of many customer
// numbers, signed with the inbox's auth token exactly as Twilio signs it, so the server does the
// full work: verify, store durably, run the bot and queue the reply. In `plain` mode every request
// is the same form body, for a ceiling such as nginx answering `return 200`.
//
// Output: one JSON line with requests, non-2xx answers, errors, requests/s and latency
// percentiles in milliseconds.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <iostream>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <CLI/CLI.hpp>

#include "mobilelink/channels/common/form.hpp"
#include "mobilelink/channels/twilio_sms/signature.hpp"

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

struct Options {
  std::string host = "127.0.0.1";
  std::string port = "8080";
  std::string path = "/webhooks/twilio/sms";
  std::string mode = "twilio";
  std::string signed_base = "http://127.0.0.1:8080";
  std::string auth_token = "demo_twilio_auth_token";
  std::string account_sid = "AC00000000000000000000000000000001";
  std::string to = "+12025550145";
  int connections = 32;
  double seconds = 10;
  int customers = 100000;
};

struct Totals {
  std::mutex mutex;
  std::vector<double> latencies_ms;
  std::uint64_t non_2xx = 0;
  std::uint64_t errors = 0;
};

std::string TwilioBody(const Options& options, std::mt19937_64& random, std::string& signature) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string sid = "SM";
  for (int i = 0; i < 32; ++i) {
    sid += kHex[random() % 16];
  }
  // US numbers of the 415 area code in the 555-01xx fictional block are too few, so customers
  // use the +1 415 2xx xxxx range, which libphonenumber accepts as valid.
  const auto customer = random() % static_cast<std::uint64_t>(options.customers);
  const std::string from = "+1415" + std::to_string(2000000 + customer);
  mobilelink::channels::common::FormPairs params{
      {"MessageSid", sid},       {"SmsMessageSid", sid},  {"SmsSid", sid},
      {"AccountSid", options.account_sid},
      {"From", from},            {"To", options.to},
      {"Body", "Where is my order? It was supposed to arrive yesterday"},
      {"NumMedia", "0"},         {"NumSegments", "1"},    {"SmsStatus", "received"},
      {"ApiVersion", "2010-04-01"}};
  signature = mobilelink::channels::twilio_sms::ComputeSignature(
      options.auth_token, options.signed_base + options.path, params);
  return mobilelink::channels::common::EncodeForm(params);
}

void RunConnection(const Options& options, Clock::time_point deadline, Totals& totals,
                   std::uint64_t seed) {
  std::mt19937_64 random(seed);
  std::vector<double> latencies;
  std::uint64_t non_2xx = 0;
  std::uint64_t errors = 0;
  net::io_context io;
  tcp::resolver resolver(io);
  beast::tcp_stream stream(io);
  bool connected = false;
  beast::flat_buffer buffer;
  std::string plain_signature;
  const std::string plain_body = TwilioBody(options, random, plain_signature);

  while (Clock::now() < deadline) {
    try {
      if (!connected) {
        stream.connect(resolver.resolve(options.host, options.port));
        connected = true;
      }
      http::request<http::string_body> request{http::verb::post, options.path, 11};
      request.set(http::field::host, options.host + ":" + options.port);
      request.set(http::field::content_type, "application/x-www-form-urlencoded");
      if (options.mode == "twilio") {
        std::string signature;
        request.body() = TwilioBody(options, random, signature);
        request.set("X-Twilio-Signature", signature);
      } else {
        request.body() = plain_body;
      }
      request.prepare_payload();
      const auto start = Clock::now();
      http::write(stream, request);
      http::response<http::string_body> response;
      http::read(stream, buffer, response);
      latencies.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
      if (response.result_int() / 100 != 2) {
        ++non_2xx;
      }
      if (!response.keep_alive()) {
        stream.close();
        connected = false;
      }
    } catch (const std::exception&) {
      ++errors;
      beast::error_code ignored;
      stream.socket().close(ignored);
      connected = false;
    }
  }
  std::lock_guard lock(totals.mutex);
  totals.latencies_ms.insert(totals.latencies_ms.end(), latencies.begin(), latencies.end());
  totals.non_2xx += non_2xx;
  totals.errors += errors;
}

double Percentile(std::vector<double>& values, double fraction) {
  if (values.empty()) {
    return 0;
  }
  const auto index = static_cast<std::size_t>(fraction * static_cast<double>(values.size() - 1));
  std::nth_element(values.begin(), values.begin() + static_cast<long>(index), values.end());
  return values[index];
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  CLI::App cli{"Closed-loop load generator for signed Twilio webhooks (127.0.0.1 targets)"};
  cli.add_option("--host", options.host, "Target host");
  cli.add_option("--port", options.port, "Target port");
  cli.add_option("--path", options.path, "Request path");
  cli.add_option("--mode", options.mode, "twilio (unique signed messages) or plain (one body)")
      ->check(CLI::IsMember({"twilio", "plain"}));
  cli.add_option("--signed-base", options.signed_base, "Public URL base the server verifies");
  cli.add_option("--auth-token", options.auth_token, "Twilio auth token of the inbox");
  cli.add_option("--account-sid", options.account_sid, "AccountSid of the inbox");
  cli.add_option("--to", options.to, "The inbox's number");
  cli.add_option("--connections", options.connections, "Concurrent connections")
      ->check(CLI::Range(1, 512));
  cli.add_option("--seconds", options.seconds, "Duration in seconds")->check(CLI::Range(1.0, 600.0));
  cli.add_option("--customers", options.customers, "Distinct customer numbers")
      ->check(CLI::Range(1, 1000000));
  CLI11_PARSE(cli, argc, argv);
  if (options.host != "127.0.0.1" && options.host != "localhost" && options.host != "::1") {
    std::cerr << "--host must be a loopback address\n";
    return 2;
  }

  Totals totals;
  const auto start = Clock::now();
  const auto deadline = start + std::chrono::duration_cast<Clock::duration>(
                                    std::chrono::duration<double>(options.seconds));
  std::vector<std::thread> threads;
  for (int i = 0; i < options.connections; ++i) {
    threads.emplace_back(RunConnection, std::cref(options), deadline, std::ref(totals),
                         static_cast<std::uint64_t>(i) * 7919 + 1);
  }
  for (auto& thread : threads) {
    thread.join();
  }
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  auto& latencies = totals.latencies_ms;
  const std::size_t requests = latencies.size();
  std::cout << "{\"mode\":\"" << options.mode << "\",\"requests\":" << requests
            << ",\"non_2xx\":" << totals.non_2xx << ",\"errors\":" << totals.errors
            << ",\"requests_per_s\":" << static_cast<double>(requests) / elapsed
            << ",\"p50_ms\":" << Percentile(latencies, 0.50)
            << ",\"p99_ms\":" << Percentile(latencies, 0.99) << "}" << std::endl;
  return 0;
}
