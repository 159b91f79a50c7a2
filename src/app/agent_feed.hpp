#pragma once

// The agent live feed: a WebSocket at /api/v1/feed that pushes committed events to agents and
// supervisors (docs/agent-feed.md). A pump thread reads the events table after each commit and
// sends each event to the sockets allowed to see it, through each session's bounded queue.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>

#include "mobilelink/app/context.hpp"
#include "mobilelink/http/types.hpp"
#include "mobilelink/store/store.hpp"

namespace mobilelink::app {

class AgentFeed final : public http::WebSocketHandler,
                        public std::enable_shared_from_this<AgentFeed> {
 public:
  explicit AgentFeed(AppContext& context) : context_(context) {}
  ~AgentFeed() override;

  /// Starts the pump after the latest stored event, so history is not replayed.
  void Start();
  /// Stops the pump. Safe to call twice.
  void Stop();
  /// Wakes the pump after a commit. Thread safe and cheap.
  void Notify();
  /// Returns the authenticated feed sockets of an agent. Thread safe.
  int ConnectionsOf(std::int64_t agent_id);

  // http::WebSocketHandler
  std::optional<http::HttpResponse> Accept(const http::HttpRequest& request) override;
  /// Names the offered `bearer.<token>` value, which Accept has already checked.
  std::string SelectProtocol(const http::HttpRequest& request) override;
  void OnOpen(const std::shared_ptr<http::WebSocketSession>& session) override;
  void OnText(const std::shared_ptr<http::WebSocketSession>& session, std::string text) override;
  void OnClose(const std::shared_ptr<http::WebSocketSession>& session) override;

 private:
  struct Subscriber {
    std::weak_ptr<http::WebSocketSession> session;
    std::int64_t agent_id = 0;  // 0 until the socket has authenticated.
    bool supervisor = false;
  };
  void Authenticate(const std::shared_ptr<http::WebSocketSession>& session,
                    const std::string& token);
  void RunPump();
  void PumpOnce();
  std::vector<Subscriber> Subscribers();

  AppContext& context_;
  std::mutex mutex_;
  std::unordered_map<std::uint64_t, Subscriber> subscribers_;
  std::mutex pump_mutex_;
  std::condition_variable pump_wake_;
  bool notified_ = false;
  bool stopping_ = false;
  std::atomic<std::int64_t> cursor_{0};  // Id of the last event the pump has dispatched.
  std::thread pump_;
};

/// A store that runs a hook after every successful write, after the write's own `done`. The
/// live feed and the auto-assigner use it to learn of commits without polling.
class CommitNotifyingStore final : public store::Store {
 public:
  CommitNotifyingStore(store::Store& inner, std::function<void()> after_commit)
      : inner_(inner), after_commit_(std::move(after_commit)) {}

  void Write(std::function<void(core::Repository&)> work,
             std::function<void(const store::WriteResult&)> done) override;
  void Read(const std::function<void(core::Repository&)>& work) override { inner_.Read(work); }
  bool IsReachable() override { return inner_.IsReachable(); }
  void Stop() override { inner_.Stop(); }

 private:
  store::Store& inner_;
  std::function<void()> after_commit_;
};

}  // namespace mobilelink::app
