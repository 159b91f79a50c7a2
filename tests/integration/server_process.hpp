#pragma once

// Runs the real `mobilelink serve` binary as a child process for tests that need a crash or
// the process's own log. Every child is stopped by its pid: by the test, or by the destructor
// with SIGTERM and then SIGKILL.

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "server_fixture.hpp"

namespace mobilelink::integration {

class ServerProcess final {
 public:
  /// `log_path` receives the child's stdout and stderr, appended across restarts.
  ServerProcess(std::filesystem::path config_path, std::uint16_t port,
                std::filesystem::path log_path)
      : config_path_(std::move(config_path)), port_(port), log_path_(std::move(log_path)) {}
  ~ServerProcess() { Stop(); }
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  /// Starts the binary and waits until /healthz returns 200. Returns an error message, or an
  /// empty string on success.
  std::string Start() {
    const std::string binary = MOBILELINK_BINARY;
    const std::string listen = "127.0.0.1:" + std::to_string(port_);
    std::vector<std::string> args = {binary, "serve", "--config", config_path_.string(),
                                     "--listen", listen};
    std::vector<char*> argv;
    for (auto& arg : args) {
      argv.push_back(arg.data());
    }
    argv.push_back(nullptr);
    const std::string log = log_path_.string();

    // Only async-signal-safe calls run between fork and exec, because the parent has threads.
    const pid_t child = ::fork();
    if (child < 0) {
      return "fork failed";
    }
    if (child == 0) {
      const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      if (fd >= 0) {
        ::dup2(fd, STDOUT_FILENO);
        ::dup2(fd, STDERR_FILENO);
      }
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    pid_ = child;
    exited_ = false;

    const bool healthy = WaitUntil([&] {
      if (!Running()) {
        return true;
      }
      http::ClientRequest request;
      request.method = "GET";
      request.url = "http://" + listen + "/healthz";
      request.timeout = std::chrono::milliseconds(1000);
      return SendRequest(request).status == 200;
    });
    if (!Running()) {
      return "mobilelink exited during start; see " + log;
    }
    if (!healthy) {
      return "mobilelink did not answer /healthz in time; see " + log;
    }
    return {};
  }

  /// Sends `signal` to the child and waits for it to exit, escalating to SIGKILL when it is
  /// still running after `timeout`.
  void Signal(int signal, std::chrono::milliseconds timeout = kWaitLimit) {
    if (pid_ <= 0) {
      return;
    }
    ::kill(pid_, signal);
    if (!WaitUntil([&] { return !Running(); }, timeout)) {
      ::kill(pid_, SIGKILL);
      WaitUntil([&] { return !Running(); });
    }
    pid_ = -1;
  }

  void Stop() { Signal(SIGTERM); }

  [[nodiscard]] pid_t Pid() const { return pid_; }

 private:
  // Returns false once the child has exited, reaping it.
  bool Running() {
    if (pid_ <= 0 || exited_) {
      return false;
    }
    int status = 0;
    const pid_t result = ::waitpid(pid_, &status, WNOHANG);
    if (result == pid_ || result < 0) {
      exited_ = true;
      return false;
    }
    return true;
  }

  std::filesystem::path config_path_;
  std::uint16_t port_;
  std::filesystem::path log_path_;
  pid_t pid_ = -1;
  bool exited_ = false;
};

}  // namespace mobilelink::integration
