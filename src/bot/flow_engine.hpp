#pragma once

// Runs flows inside the store transaction of the message that drives them. A turn runs steps
// until one waits or the flow ends (end, handoff). A step waits for the customer (ask,
// confirm, a passcode), for a call (an HTTP call step or a CRM lookup), or for a verification
// that arrives through another route (an app token, a signed link). Blocking calls never run
// here: the step is saved as waiting, a FlowWorker sends the request outside the transaction
// and hands the result back through CompleteCall in a new write. A verification that a step
// awaits is handed to CompleteCall in the same write that records it (POST /auth/app-token,
// POST /auth/link/...).
//
// Every step's outcome is a flow.step event; flow.started, flow.completed and flow.abandoned
// mark the flow's life. State is one flow_states row per conversation, deleted when the flow
// ends, so a restart resumes where the conversation was.

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mobilelink/bot/flow.hpp"
#include "mobilelink/core/clock.hpp"
#include "mobilelink/customers/crm_connector.hpp"
#include "mobilelink/http/client.hpp"
#include "mobilelink/security/auth_level.hpp"
#include "mobilelink/security/otp.hpp"

namespace mobilelink::bot {

/// One message a flow sends.
struct FlowReply {
  std::string text;
  std::vector<core::QuickReply> options;  // Empty when the text already lists them.
  // Set for a passcode sent over SMS to the customer's phone, which may be another inbox and
  // recipient than the conversation's.
  std::string inbox_id;
  std::string recipient;
  // The stored copy when it differs from `text`: the passcode SMS is stored with the code masked.
  std::string stored_text;
};

/// The destination of a turn's replies and the way they render.
struct FlowChannel {
  std::string inbox_id;
  std::string recipient;
  bool quick_replies = false;  // Buttons; otherwise options become numbered lines.
  std::string channel;         // The inbox's channel name, for audit records.
};

struct FlowTurn {
  std::vector<FlowReply> replies;
  bool progress = false;  // The customer's message moved the flow forward.
  bool waiting = false;   // A call is pending for the FlowWorker.
  bool handoff = false;
  std::string handoff_reason;  // flow_step, retries_exhausted, call_failed, step_limit.
  std::string summary;         // Flow, step and masked collected values, for agents.
};

/// The request a waiting step needs sent outside the store writer, or the verification a step
/// awaits (an app token or a signed link), which arrives through another route.
struct PendingCall {
  std::int64_t conversation_id = 0;
  std::string step;
  int call_sequence = 0;
  std::optional<security::AuthMethod> verification;
  bool crm = false;
  http::ClientRequest request;  // For call steps.
  std::string crm_by;           // For CRM lookups: phone or customer_id.
  std::string crm_key;
};

/// The outcome of an app token or link check for a step that awaits it.
struct VerificationResult {
  bool verified = false;
};

struct CallResult {
  std::optional<http::ClientResult> http;
  std::optional<customers::CrmLookup> crm;
  std::optional<VerificationResult> verification;
};

/// Settings of authenticate steps and sensitive confirm steps.
struct FlowAuthOptions {
  /// Issues and checks passcodes; without it, steps that need a passcode hand off.
  std::shared_ptr<const security::OtpService> otp;
  security::ConfirmationPolicy policy;
  std::string public_url;  // server.public_url, the base of signed links.
  std::chrono::seconds link_ttl{900};
};

/// Thread safe after construction: it holds only configuration.
class FlowEngine final {
 public:
  FlowEngine(FlowsConfig config, const core::TimeSource& clock, FlowAuthOptions auth = {});

  /// Returns the flow that `intent` starts, if any.
  [[nodiscard]] const Flow* FindByIntent(std::string_view intent) const;
  [[nodiscard]] const FlowsConfig& Config() const { return config_; }

  [[nodiscard]] std::optional<FlowState> ActiveState(core::Repository& repository,
                                                     std::int64_t conversation_id) const;

  /// Starts `flow` for the conversation and runs it to its first wait.
  FlowTurn Start(core::Repository& repository, const core::Conversation& conversation,
                 const Flow& flow, const FlowChannel& channel, std::string_view intent) const;

  /// Feeds one customer message (already card-masked) to the active flow.
  FlowTurn Continue(core::Repository& repository, const core::Conversation& conversation,
                    FlowState state, std::string_view text, std::string_view reply_id,
                    const FlowChannel& channel) const;

  /// Ends the flow without completing it and records flow.abandoned with `reason`.
  void Abandon(core::Repository& repository, const core::Conversation& conversation,
               const FlowState& state, std::string_view reason) const;

  /// Returns the request that a waiting state needs, or nullopt when it waits for nothing.
  [[nodiscard]] std::optional<PendingCall> PrepareCall(const FlowState& state) const;

  /// Returns the resumption of a state whose step awaits a verification by `method`, or nullopt
  /// when it awaits none. Pass it to CompleteCall with CallResult::verification set.
  [[nodiscard]] std::optional<PendingCall> PrepareVerification(const FlowState& state,
                                                               security::AuthMethod method) const;

  /// Applies a call's or a verification's result and runs the flow on. A result for a call the state no longer
  /// waits for (an older sequence, an abandoned flow) changes nothing.
  FlowTurn CompleteCall(core::Repository& repository, const core::Conversation& conversation,
                        const PendingCall& call, const CallResult& result,
                        const FlowChannel& channel) const;

  /// Describes the flow for a handoff summary, with sensitive values masked.
  [[nodiscard]] static std::string Summarize(const FlowState& state);

 private:
  class Turn;

  FlowsConfig config_;
  const core::TimeSource& clock_;
  FlowAuthOptions auth_;
};

/// Masks all but the last four characters of `value`, or all of a value of six or fewer.
std::string MaskValue(std::string_view value);

/// Appends options to `text` as numbered lines, for channels without buttons.
std::string NumberOptions(const std::string& text, const std::vector<core::QuickReply>& options);

}  // namespace mobilelink::bot
