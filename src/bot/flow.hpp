#pragma once

// Flows: deterministic conversations that an operator declares in the config's `flows:`
// section. A flow starts when the bot recognizes one of its intents and runs its steps in
// order; each step may name the step that follows. docs/flows.md describes every step kind
// and key.

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "mobilelink/core/model.hpp"
#include "mobilelink/core/repository.hpp"

namespace mobilelink::bot {

enum class StepKind {
  kAsk,
  kLookup,
  kBranch,
  kAnswer,
  kConfirm,
  kCall,
  kUpdate,
  kAuthenticate,
  kHandoff,
  kEnd
};

enum class Validation { kText, kRegex, kNumber, kDate, kChoice, kPhone, kEmail };

enum class LookupSource { kCustomer, kTransactions, kCrm };

/// A condition of a branch step on one collected value.
struct BranchCase {
  std::string value;  // Name of the collected value.
  enum class Test { kEquals, kNotEquals, kExists, kMissing, kLessThan, kGreaterThan } test =
      Test::kEquals;
  std::string operand;  // Compared text, or a number for kLessThan and kGreaterThan.
  std::string next;
};

/// An HTTP request that a call step sends, and how its JSON response maps to values.
struct CallSpec {
  std::string url;     // Template; values are percent-encoded.
  std::string method = "POST";
  std::string body;    // JSON template; values are JSON-escaped.
  std::map<std::string, std::string> headers;  // Secrets come from ${ENV} in the config.
  std::chrono::milliseconds timeout{5000};
  std::map<std::string, std::string> response;  // Value name -> JSON pointer (RFC 6901).
};

struct FlowStep {
  std::string id;
  StepKind kind = StepKind::kAnswer;
  std::string text;  // ask: the question; answer, confirm, handoff, end: the message.
  std::string next;  // The step after this one; empty means the next in the list.

  // ask
  std::string save_as;
  Validation validation = Validation::kText;
  std::string pattern;  // kRegex: ECMAScript regular expression the whole answer must match.
  std::optional<double> min;
  std::optional<double> max;
  std::vector<core::QuickReply> options;  // kChoice; confirm steps get yes and no.
  std::string region = "US";              // kPhone: region of numbers without '+'.
  std::string prefill;  // A value that, when set, answers the question without asking.
  std::string reprompt;
  int max_retries = 2;  // Invalid answers after the first before a handoff.
  bool sensitive = false;

  // lookup
  LookupSource source = LookupSource::kCustomer;
  std::string by = "phone";  // phone or customer_id.
  std::string key;           // Template of the looked-up key.
  std::string transaction_kind;  // transactions: order, payment, subscription.
  std::string save_prefix;  // transactions: prefix of the saved values; defaults to the kind.
  std::string on_not_found;

  // branch
  std::vector<BranchCase> cases;
  std::string otherwise;

  // confirm; a `sensitive` confirm goes on after yes only when every factor of the
  // confirmation policy (an OTP, plus an app token in an in-app chat inbox) was verified since
  // the flow started. It asks for each missing factor in turn, with `code_prompt` and
  // `code_message` for the OTP and `app_prompt` for the app token, and records auth.confirmed.
  std::string on_no;
  std::string code_prompt;
  std::string app_prompt;

  // authenticate: `text` is the prompt in the conversation.
  // otp: `code_message` is the SMS with the code ({{code}}), sent through `sms_inbox` (default:
  //   the conversation's inbox) to the customer's phone from the lookup, or else the number the
  //   customer writes from.
  // app: waits until the in-app chat presents a valid app token for the conversation.
  // link: `link_message` carries a signed one-time link ({{link}}); with `sms_inbox` it goes by
  //   SMS to the customer's phone, otherwise into the conversation. Waits until it is confirmed.
  std::string method;  // otp, app or link.
  std::string code_message;
  std::string link_message;
  std::string sms_inbox;

  // call
  CallSpec call;
  std::string on_error;

  // update: a customer profile field (address, email, card_status) set to `value`.
  std::string field;
  std::string value;
};

struct Flow {
  std::string name;
  std::vector<std::string> intents;  // Rule names (or model intents trained from them).
  std::vector<FlowStep> steps;
  [[nodiscard]] const FlowStep* FindStep(const std::string& id) const;
  [[nodiscard]] int IndexOf(const std::string& id) const;
};

/// | key | meaning | unit | default |
/// | --- | --- | --- | --- |
/// | flows[].name | flow name, unique | text | required |
/// | flows[].intents | intents that start the flow | list | required |
/// | flows[].steps[] | steps; see docs/flows.md | list | required |
struct FlowsConfig {
  std::vector<Flow> flows;
};

/// A message whose SMS rendering needs more than two segments.
struct LongMessage {
  std::string flow;
  std::string step;
  std::size_t segments = 0;
};

/// Renders every fixed message of every flow as SMS text (options as numbered lines, values
/// left as their {{name}} placeholders) and returns those past two segments.
std::vector<LongMessage> FindLongMessages(const FlowsConfig& config);

/// The flow a conversation is in, stored per conversation.
struct FlowState {
  std::int64_t conversation_id = 0;
  std::string flow;
  std::string step;
  std::map<std::string, std::string> values;
  std::set<std::string> sensitive;  // Names of values that are masked outside the flow.
  int retries = 0;
  bool waiting = false;  // A worker runs this step's call outside the store writer.
  // The verification method (otp, app, link) the current step waits for; empty for none.
  std::string awaiting;
  int call_sequence = 0;  // Counts calls, so a late result for an older call is dropped.
  std::string inbox_id;
  std::string recipient;
  core::TimePoint started_at;
  core::TimePoint updated_at;
};

/// The persistence port of flow state. It runs in the caller's unit of work.
class FlowRepository {
 public:
  virtual ~FlowRepository() = default;
  virtual std::optional<FlowState> Load(std::int64_t conversation_id) = 0;
  /// Inserts or replaces the state of its conversation.
  virtual void Save(const FlowState& state) = 0;
  virtual void Delete(std::int64_t conversation_id) = 0;
  /// Lists states waiting for a call, oldest first.
  virtual std::vector<FlowState> ListWaiting(int limit) = 0;
};

/// Opens the port on the same connection and transaction as `unit`.
std::unique_ptr<FlowRepository> OpenFlowRepository(core::Repository& unit);

std::string_view ToString(StepKind kind);

}  // namespace mobilelink::bot
