#pragma once

// A loopback HTTP server for tests that records every request it receives and lets a test wait
// for a number of them.

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "mobilelink/http/server.hpp"
#include "mobilelink/http/types.hpp"

namespace mobilelink::tools::testing {

class RecordingServer final {
 public:
  /// Records POST requests to `pattern` and answers them with `status`.
  explicit RecordingServer(std::string pattern, int status = 200) {
    auto router = std::make_shared<http::Router>();
    router->Add("POST", std::move(pattern),
                [this, status](http::HttpRequest&& request, http::Responder done) {
                  {
                    std::lock_guard lock(mutex_);
                    requests_.push_back(std::move(request));
                  }
                  arrived_.notify_all();
                  done(http::HttpResponse::Text(status, ""));
                });
    server_ = std::make_unique<http::Server>(http::ServerOptions{}, router);
    server_->Start();
  }

  ~RecordingServer() { server_->Stop(std::chrono::milliseconds(1000)); }

  [[nodiscard]] std::string BaseUrl() const {
    return "http://127.0.0.1:" + std::to_string(server_->Port());
  }

  /// Waits until `count` requests arrived or `timeout` passed, and returns those received.
  std::vector<http::HttpRequest> WaitFor(std::size_t count, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    arrived_.wait_for(lock, timeout, [&] { return requests_.size() >= count; });
    return requests_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable arrived_;
  std::vector<http::HttpRequest> requests_;
  std::unique_ptr<http::Server> server_;
};

}  // namespace mobilelink::tools::testing
