// The mobilelink command: serve, hash-password, fake-provider, replay, nlu and analytics.

#include <csignal>
#include <iostream>
#include <thread>

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include "mobilelink/analytics/analytics_command.hpp"
#include "mobilelink/app/application.hpp"
#include "mobilelink/common/log.hpp"
#include "mobilelink/config/config.hpp"
#include "mobilelink/customers/customer_command.hpp"
#include "mobilelink/nlu/nlu_command.hpp"
#include "mobilelink/security/credentials.hpp"
#include "mobilelink/tools/fake_provider.hpp"
#include "mobilelink/tools/replay.hpp"

namespace {

constexpr const char* kDemoConfig = "config/demo.yaml";

int Serve(const std::string& config_path, const std::string& listen) {
  using namespace mobilelink;
  config::Config config;
  try {
    config = config::LoadConfig(config_path);
  } catch (const config::ConfigError& error) {
    std::cerr << "invalid config: " << error.what() << "\n";
    return 2;
  }
  InitLogging(spdlog::level::from_str(config.server.log_level));
  std::pair<std::string, std::uint16_t> address;
  try {
    address = app::ParseListen(listen.empty() ? config.server.listen : listen);
  } catch (const std::invalid_argument& error) {
    std::cerr << "invalid --listen: " << error.what() << "\n";
    return 2;
  }

  // Block the stop signals in every thread; this thread waits for them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  app::ApplicationOptions options;
  options.host = address.first;
  options.port = address.second;
  app::Application application(std::move(config), options);
  try {
    application.Start();
  } catch (const std::exception& error) {
    std::cerr << "start failed: " << error.what() << "\n";
    return 1;
  }
  std::cout << "mobilelink listening on http://" << address.first << ":" << application.Port()
            << std::endl;
  int received = 0;
  sigwait(&signals, &received);
  Logger("http")->info("stop requested signal={}", received);
  application.Stop(std::chrono::seconds(10));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"Mobile Link: a self-hosted customer-service server for SMS, WhatsApp and web chat"};
  cli.require_subcommand(1);

  std::string config_path;
  std::string listen;
  auto* serve = cli.add_subcommand("serve", "Run the server");
  serve->add_option("--config", config_path,
                    "YAML config file; without it the demo config (config/demo.yaml) runs");
  serve->add_option("--listen", listen, "HOST:PORT to listen on; overrides server.listen");

  std::string password;
  auto* hash = cli.add_subcommand("hash-password",
                                  "Print an Argon2id hash for an agent's password_hash");
  hash->add_option("--password", password, "Password to hash; read from stdin when omitted");

  mobilelink::tools::AddFakeProviderCommand(cli);
  mobilelink::tools::AddReplayCommand(cli);
  mobilelink::nlu::AddNluCommands(cli);
  mobilelink::analytics::AddAnalyticsCommands(cli);
  mobilelink::customers::AddCustomerCommands(cli);

  CLI11_PARSE(cli, argc, argv);

  if (*serve) {
    return Serve(config_path.empty() ? kDemoConfig : config_path, listen);
  }
  if (*hash) {
    if (password.empty() && !std::getline(std::cin, password)) {
      std::cerr << "no password given on stdin\n";
      return 2;
    }
    mobilelink::security::InitCrypto();
    std::cout << mobilelink::security::HashPassword(password) << "\n";
    return 0;
  }
  return 0;
}
