#include "mobilelink/http/server.hpp"

#include <random>
#include <stdexcept>
#include <thread>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <fmt/format.h>

#include "mobilelink/common/log.hpp"
#include "mobilelink/http/server_state.hpp"

namespace mobilelink::http {
namespace detail {

namespace net = boost::asio;

ServerState::ServerState(ServerOptions server_options, std::shared_ptr<const Router> server_router)
    : options(std::move(server_options)),
      router(std::move(server_router)),
      connections_accepted(GlobalMetrics().GetCounter("mobilelink_http_connections_total",
                                                      "TCP connections accepted.")),
      websocket_overflow_closes(GlobalMetrics().GetCounter(
          "mobilelink_ws_overflow_closes_total",
          "WebSocket sessions closed with 1008 because their outgoing queue was full.")),
      request_duration(GlobalMetrics().GetHistogram(
          "mobilelink_http_request_duration_seconds",
          "Time from reading a request's first byte to writing its response.",
          DefaultLatencyBuckets())) {}

void ServerState::BeginRequest() {
  std::lock_guard lock(mutex_);
  ++requests_in_flight_;
}

void ServerState::EndRequest() {
  std::lock_guard lock(mutex_);
  --requests_in_flight_;
  changed_.notify_all();
}

bool ServerState::WaitForRequests(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [this] { return requests_in_flight_ <= 0; });
}

void ServerState::AddConnection(std::uint64_t id, std::function<void()> close) {
  std::lock_guard lock(mutex_);
  connections_[id] = std::move(close);
}

void ServerState::RemoveConnection(std::uint64_t id) {
  std::lock_guard lock(mutex_);
  connections_.erase(id);
  changed_.notify_all();
}

void ServerState::CloseConnections() {
  std::vector<std::function<void()>> closers;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, close] : connections_) {
      closers.push_back(close);
    }
  }
  for (const auto& close : closers) {
    close();
  }
}

bool ServerState::WaitForConnections(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [this] { return connections_.empty(); });
}

void CountRequest(std::string_view method, int status) {
  // Labels stay low-cardinality: unknown methods collapse to "other" and statuses to a class.
  static constexpr std::string_view kMethods[] = {"GET",  "HEAD",    "POST",  "PUT",
                                                  "DELETE", "OPTIONS", "PATCH"};
  std::string_view method_label = "other";
  for (std::string_view known : kMethods) {
    if (method == known) {
      method_label = known;
    }
  }
  std::string status_class = status >= 100 && status < 600 ? fmt::format("{}xx", status / 100)
                                                           : "other";
  GlobalMetrics()
      .GetCounter("mobilelink_http_requests_total", "HTTP requests answered, by method and status class.",
                  {{"method", std::string(method_label)}, {"status", status_class}})
      .Increment();
}

std::string NewRequestId() {
  thread_local std::mt19937_64 generator(std::random_device{}());
  return fmt::format("{:016x}", generator());
}

}  // namespace detail

namespace {

namespace net = boost::asio;
constexpr auto kUseTuple = net::as_tuple(net::use_awaitable);
// Time that WebSocket close handshakes and lingering closes get after the grace period.
constexpr std::chrono::milliseconds kCloseTime{1000};

}  // namespace

class Server::Impl final {
 public:
  Impl(ServerOptions options, std::shared_ptr<const Router> router)
      : state_(std::make_shared<detail::ServerState>(std::move(options), std::move(router))),
        io_context_(state_->options.threads),
        acceptor_(net::make_strand(io_context_)) {}

  void Start() {
    const ServerOptions& options = state_->options;
    std::string address = fmt::format("{}:{}", options.host, options.port);
    try {
      net::ip::tcp::endpoint endpoint(net::ip::make_address(options.host), options.port);
      acceptor_.open(endpoint.protocol());
      acceptor_.set_option(net::socket_base::reuse_address(true));
      acceptor_.bind(endpoint);
      acceptor_.listen(net::socket_base::max_listen_connections);
    } catch (const boost::system::system_error& error) {
      throw std::runtime_error(fmt::format("cannot listen on {}: {}", address, error.what()));
    }
    port_ = acceptor_.local_endpoint().port();

    net::co_spawn(acceptor_.get_executor(), AcceptLoop(), [](std::exception_ptr error) {
      LogException(error, "accept loop");
    });
    for (int i = 0; i < std::max(1, options.threads); ++i) {
      threads_.emplace_back([this] { io_context_.run(); });
    }
    running_ = true;
    Logger("http")->info("server listening address={}:{} threads={}", options.host, port_,
                         options.threads);
  }

  std::uint16_t Port() const { return port_; }

  void Stop(std::chrono::milliseconds grace) {
    if (!running_) {
      return;
    }
    running_ = false;
    state_->stopping = true;
    net::post(acceptor_.get_executor(), [this] {
      boost::system::error_code ignored;
      acceptor_.close(ignored);
    });

    bool drained = state_->WaitForRequests(grace);
    if (!drained) {
      Logger("http")->warn("server stop grace expired grace_ms={}", grace.count());
    }
    state_->CloseConnections();
    state_->WaitForConnections(kCloseTime);
    {
      std::unique_lock lock(state_->post_mutex);
      state_->accepting_posts = false;
    }
    io_context_.stop();
    for (std::thread& thread : threads_) {
      thread.join();
    }
    threads_.clear();
    Logger("http")->info("server stopped port={}", port_);
  }

 private:
  net::awaitable<void> AcceptLoop() {
    net::steady_timer backoff(acceptor_.get_executor());
    while (acceptor_.is_open()) {
      auto [ec, socket] = co_await acceptor_.async_accept(net::make_strand(io_context_), kUseTuple);
      if (ec == net::error::operation_aborted || !acceptor_.is_open()) {
        co_return;
      }
      if (ec) {
        // Running out of descriptors fails every accept at once, so pause instead of spinning.
        Logger("http")->warn("accept failed error=\"{}\"", ec.message());
        backoff.expires_after(std::chrono::milliseconds(50));
        co_await backoff.async_wait(kUseTuple);
        continue;
      }
      state_->connections_accepted.Increment();
      auto executor = socket.get_executor();
      net::co_spawn(executor, detail::RunConnection(state_, std::move(socket)),
                    [](std::exception_ptr error) { LogException(error, "connection"); });
    }
  }

  static void LogException(const std::exception_ptr& error, std::string_view where) {
    if (!error) {
      return;
    }
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& exception) {
      Logger("http")->error("coroutine failed where=\"{}\" error=\"{}\"", where, exception.what());
    }
  }

  std::shared_ptr<detail::ServerState> state_;
  net::io_context io_context_;
  net::ip::tcp::acceptor acceptor_;
  std::vector<std::thread> threads_;
  std::uint16_t port_ = 0;
  bool running_ = false;
};

Server::Server(ServerOptions options, std::shared_ptr<const Router> router)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(router))) {}

Server::~Server() { Stop(std::chrono::milliseconds(0)); }

void Server::Start() { impl_->Start(); }

std::uint16_t Server::Port() const { return impl_->Port(); }

void Server::Stop(std::chrono::milliseconds grace) { impl_->Stop(grace); }

}  // namespace mobilelink::http
