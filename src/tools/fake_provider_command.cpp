// The `mobilelink fake-provider` subcommand.

#include <charconv>
#include <csignal>
#include <iostream>

#include <CLI/CLI.hpp>

#include "mobilelink/common/log.hpp"
#include "mobilelink/tools/fake_provider.hpp"
#include "mobilelink/tools/listen_address.hpp"
#include "mobilelink/tools/tool_config.hpp"

namespace mobilelink::tools {

std::optional<ListenAddress> ParseListenAddress(std::string_view text) {
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos || colon + 1 == text.size()) {
    return std::nullopt;
  }
  std::string_view host = text.substr(0, colon);
  const std::string_view port_text = text.substr(colon + 1);
  unsigned port = 0;
  const auto [end, ec] =
      std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || end != port_text.data() + port_text.size() || port > 65535) {
    return std::nullopt;
  }
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  return ListenAddress{host.empty() ? "127.0.0.1" : std::string(host),
                       static_cast<std::uint16_t>(port)};
}

int RunFakeProvider(const FakeProviderOptions& options) {
  // Blocks the stop signals before any thread starts, so every thread inherits the mask and
  // sigwait below is the only receiver.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  try {
    FakeProvider provider(options);
    provider.Start();
    Logger("tools")->info("fake provider started url={}", provider.BaseUrl());
    std::cout << "fake-provider listening on " << provider.BaseUrl() << std::endl;
    int signal_number = 0;
    sigwait(&stop_signals, &signal_number);
    Logger("tools")->info("fake provider stopping signal={}", signal_number);
    provider.Stop();
  } catch (const std::exception& error) {
    Logger("tools")->error("fake provider failed error=\"{}\"", error.what());
    return 1;
  }
  return 0;
}

void AddFakeProviderCommand(CLI::App& app) {
  auto* command = app.add_subcommand(
      "fake-provider",
      "Run a local fake of the Twilio Messages API and the WhatsApp Cloud API for tests and the "
      "demo");
  auto options = std::make_shared<FakeProviderOptions>();
  auto listen = std::make_shared<std::string>("127.0.0.1:0");
  command->add_option("--listen", *listen, "Address to serve on, HOST:PORT; port 0 picks one")
      ->capture_default_str();
  command
      ->add_option("--config", options->config_path,
                   "Server config whose inboxes give WhatsApp webhook URLs and secrets")
      ->check(CLI::ExistingFile);
  command->add_option("--state", options->state_path,
                      "File that keeps one JSON line per recorded send across restarts");
  command->callback([options, listen] {
    const auto address = ParseListenAddress(*listen);
    if (!address) {
      throw CLI::ValidationError("--listen", "invalid address '" + *listen +
                                                 "'; expected HOST:PORT such as 127.0.0.1:9090");
    }
    options->host = address->host;
    options->port = address->port;
    const int code = RunFakeProvider(*options);
    if (code != 0) {
      throw CLI::RuntimeError(code);
    }
  });
}

}  // namespace mobilelink::tools
