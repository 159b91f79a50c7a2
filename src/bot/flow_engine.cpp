#include "mobilelink/bot/flow_engine.hpp"

#include <boost/json.hpp>

#include "mobilelink/bot/flow_internal.hpp"
#include "mobilelink/channels/common/phone.hpp"
#include "mobilelink/customers/customer.hpp"
#include "mobilelink/events/event_types.hpp"
#include "mobilelink/security/audit.hpp"
#include "mobilelink/security/auth_level.hpp"
#include "mobilelink/security/signed_link.hpp"

namespace mobilelink::bot {

namespace json = boost::json;
using flow_internal::Escape;
using flow_internal::Render;

namespace {

// Steps one turn may run before the flow is treated as a loop in the config.
constexpr int kMaxStepsPerTurn = 64;

// Profile values that lookups store as sensitive, so that summaries and events mask them.
const std::set<std::string> kSensitiveProfileFields{"phone", "address", "email"};

// The reply when the phone that a passcode or link SMS would go to has opted out of that inbox.
constexpr char kOptedOutReply[] =
    "No verification text can be sent to that phone number because it has opted out of our "
    "text messages. Reply START from that phone to receive texts again, or ask here for an agent.";

std::string EndOf(const Flow& flow, const FlowStep& step) {
  if (!step.next.empty()) {
    return step.next;
  }
  const int index = flow.IndexOf(step.id);
  if (index < 0 || static_cast<std::size_t>(index) + 1 >= flow.steps.size()) {
    return {};
  }
  return flow.steps[static_cast<std::size_t>(index) + 1].id;
}

}  // namespace

// One turn of one conversation's flow: runs steps, records their events and collects replies.
class FlowEngine::Turn {
 public:
  Turn(const FlowEngine& engine, core::Repository& repository,
       const core::Conversation& conversation, const Flow& flow, FlowState& state,
       const FlowChannel& channel)
      : engine_(engine),
        repository_(repository),
        conversation_(conversation),
        flow_(flow),
        state_(state),
        channel_(channel),
        flows_(OpenFlowRepository(repository)) {}

  FlowTurn Finish() { return std::move(turn_); }

  void Emit(std::string_view type, json::object data) {
    core::Event event;
    event.type = std::string(type);
    event.conversation_id = conversation_.id;
    event.contact_id = conversation_.contact_id;
    event.inbox_id = conversation_.last_inbox_id;
    event.data_json = json::serialize(data);
    event.occurred_at = engine_.clock_.Now();
    repository_.AppendEvent(event);
  }

  void Outcome(const FlowStep& step, std::string_view outcome) {
    Emit(events::kFlowStep, {{"flow", flow_.name}, {"step", step.id}, {"outcome", outcome}});
  }

  void Reply(const std::string& text, const std::vector<core::QuickReply>& options = {}) {
    const std::string rendered = Render(text, state_, Escape::kMasked);
    if (channel_.quick_replies || options.empty()) {
      turn_.replies.push_back({rendered, options});
    } else {
      turn_.replies.push_back({NumberOptions(rendered, options), {}});
    }
  }

  // Sends `text` unless it is empty, as the prompt of a link step may be.
  void ReplyUnlessEmpty(const std::string& text) {
    if (!text.empty()) {
      Reply(text);
    }
  }

  void Save() {
    state_.updated_at = engine_.clock_.Now();
    flows_->Save(state_);
  }

  void Complete(std::string_view outcome) {
    Emit(events::kFlowCompleted, {{"flow", flow_.name}, {"outcome", outcome}});
    flows_->Delete(state_.conversation_id);
  }

  void AbandonAndHandOff(std::string_view reason) {
    turn_.summary = Summarize(state_);
    Emit(events::kFlowAbandoned, {{"flow", flow_.name}, {"step", state_.step}, {"reason", reason}});
    flows_->Delete(state_.conversation_id);
    turn_.handoff = true;
    turn_.handoff_reason = std::string(reason);
  }

  // Moves to `next`; an empty id completes the flow.
  bool GoTo(const std::string& next) {
    state_.retries = 0;
    if (next.empty()) {
      Complete("end");
      return false;
    }
    state_.step = next;
    return true;
  }

  // Runs steps from state_.step until the flow waits or ends.
  void Run() {
    for (int executed = 0; executed < kMaxStepsPerTurn; ++executed) {
      const FlowStep* step = flow_.FindStep(state_.step);
      if (step == nullptr) {
        AbandonAndHandOff("step_missing");
        return;
      }
      if (!RunStep(*step)) {
        return;
      }
    }
    AbandonAndHandOff("step_limit");
  }

  // Runs one step. Returns true when the next step should run in this turn.
  bool RunStep(const FlowStep& step) {
    switch (step.kind) {
      case StepKind::kAsk:
        return RunAsk(step);
      case StepKind::kConfirm:
        Reply(step.text, flow_internal::YesNoOptions());
        Outcome(step, "asked");
        Save();
        return false;
      case StepKind::kAnswer:
        Reply(step.text);
        Outcome(step, "sent");
        return GoTo(EndOf(flow_, step));
      case StepKind::kLookup:
        return step.source == LookupSource::kCrm ? Wait(step) : RunLookup(step);
      case StepKind::kCall:
        return Wait(step);
      case StepKind::kBranch:
        return RunBranch(step);
      case StepKind::kUpdate:
        return RunUpdate(step);
      case StepKind::kAuthenticate:
        return RunAuthenticate(step);
      case StepKind::kHandoff:
        if (!step.text.empty()) {
          Reply(step.text);
        }
        Outcome(step, "handed_off");
        turn_.summary = Summarize(state_);
        Complete("handoff");
        turn_.handoff = true;
        turn_.handoff_reason = "flow_step";
        return false;
      case StepKind::kEnd:
        if (!step.text.empty()) {
          Reply(step.text);
        }
        Outcome(step, "ended");
        Complete("end");
        return false;
    }
    return false;
  }

  bool RunAsk(const FlowStep& step) {
    if (!step.prefill.empty()) {
      const auto found = state_.values.find(step.prefill);
      if (found != state_.values.end() && !found->second.empty()) {
        state_.values[step.save_as] = found->second;
        if (step.sensitive) {
          state_.sensitive.insert(step.save_as);
        }
        Outcome(step, "prefilled");
        return GoTo(EndOf(flow_, step));
      }
    }
    Reply(step.text, step.options);
    Outcome(step, "asked");
    Save();
    return false;
  }

  // Handles the customer's message to the step that waits for it.
  void Answer(std::string_view text, std::string_view reply_id) {
    const FlowStep* step = flow_.FindStep(state_.step);
    if (step == nullptr) {
      AbandonAndHandOff("step_missing");
      return;
    }
    // A state saved before the awaiting column existed waits for its authenticate step's method.
    const std::string awaiting = !state_.awaiting.empty()                 ? state_.awaiting
                                 : step->kind == StepKind::kAuthenticate ? step->method
                                                                          : std::string();
    if (awaiting == "otp") {
      AnswerPasscode(*step, text);
      return;
    }
    if (!awaiting.empty()) {
      AnswerWhileAwaiting(*step, security::ParseAuthMethod(awaiting).value_or(
                                     security::AuthMethod::kApp));
      return;
    }
    if (step->kind == StepKind::kConfirm) {
      AnswerConfirm(*step, text, reply_id);
      return;
    }
    const auto value = flow_internal::Validate(*step, text, reply_id);
    if (!value) {
      Reject(*step);
      return;
    }
    turn_.progress = true;
    state_.values[step->save_as] = *value;
    if (step->sensitive) {
      state_.sensitive.insert(step->save_as);
    }
    Outcome(*step, "accepted");
    if (GoTo(EndOf(flow_, *step))) {
      Run();
    }
  }

  void AnswerConfirm(const FlowStep& step, std::string_view text, std::string_view reply_id) {
    const auto yes = flow_internal::ReadYesNo(text, reply_id);
    if (!yes) {
      Reject(step);
      return;
    }
    turn_.progress = true;
    if (*yes && step.sensitive) {
      if (ConfirmSensitive(step)) {
        Run();
      }
      return;
    }
    Outcome(step, *yes ? "confirmed" : "declined");
    if (*yes) {
      if (GoTo(EndOf(flow_, step))) {
        Run();
      }
      return;
    }
    if (step.on_no.empty()) {
      Complete("declined");
      return;
    }
    if (GoTo(step.on_no)) {
      Run();
    }
  }

  // Goes on from a sensitive confirm step once every factor of the confirmation policy was
  // verified since the flow started, or requests the first missing one. Returns true when the
  // next step should run in this turn.
  bool ConfirmSensitive(const FlowStep& step) {
    const auto missing = security::MissingFactors(repository_, conversation_,
                                                  engine_.auth_.policy, state_.started_at);
    if (!missing.empty()) {
      return RequestFactor(step, missing.front());
    }
    security::RecordConfirmation(repository_, conversation_, engine_.auth_.policy, flow_.name,
                                 state_.started_at, engine_.clock_.Now());
    Outcome(step, "confirmed");
    return GoTo(EndOf(flow_, step));
  }

  // The message that requests the awaited factor again.
  std::string FactorPrompt(const FlowStep& step) const {
    if (step.kind == StepKind::kConfirm) {
      return state_.awaiting == "otp" ? step.code_prompt : step.app_prompt;
    }
    return step.reprompt.empty() ? step.text : step.reprompt;
  }

  void Reject(const FlowStep& step) {
    state_.retries += 1;
    if (state_.retries > step.max_retries) {
      Outcome(step, "retries_exhausted");
      AbandonAndHandOff("retries_exhausted");
      return;
    }
    Outcome(step, "invalid");
    if (!state_.awaiting.empty()) {
      ReplyUnlessEmpty(FactorPrompt(step));
    } else {
      const auto& options =
          step.kind == StepKind::kConfirm ? flow_internal::YesNoOptions() : step.options;
      Reply(step.reprompt.empty() ? step.text : step.reprompt, options);
    }
    Save();
  }

  bool Wait(const FlowStep& step) {
    state_.waiting = true;
    state_.call_sequence += 1;
    Outcome(step, "waiting");
    Save();
    turn_.waiting = true;
    return false;
  }

  void StoreProfile(customers::CustomerRepository& customers_repository,
                    const customers::CustomerProfile& profile) {
    customers_repository.LinkContact(conversation_.contact_id, profile.external_id,
                                     engine_.clock_.Now());
    const std::map<std::string, std::string> fields{
        {"customer_id", profile.external_id}, {"phone", profile.phone},
        {"name", profile.name},               {"tier", profile.tier},
        {"address", profile.address},         {"email", profile.email},
        {"balance", customers::FormatCents(profile.balance_cents)},
        {"currency", profile.currency},       {"card_status", profile.card_status}};
    for (const auto& [field, value] : fields) {
      state_.values["customer." + field] = value;
      if (kSensitiveProfileFields.contains(field)) {
        state_.sensitive.insert("customer." + field);
      }
    }
  }

  void StoreTransaction(const std::string& prefix, const customers::Transaction& transaction) {
    state_.values[prefix + ".id"] = transaction.external_id;
    state_.values[prefix + ".status"] = transaction.status;
    state_.values[prefix + ".amount"] = customers::FormatCents(transaction.amount_cents);
    state_.values[prefix + ".currency"] = transaction.currency;
    state_.values[prefix + ".description"] = transaction.description;
    const auto days = std::chrono::floor<std::chrono::days>(transaction.occurred_at);
    const std::chrono::year_month_day date{days};
    char text[16];
    std::snprintf(text, sizeof(text), "%04d-%02u-%02u", static_cast<int>(date.year()),
                  static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
    state_.values[prefix + ".date"] = text;
  }

  bool NotFound(const FlowStep& step) {
    Outcome(step, "not_found");
    if (step.on_not_found.empty()) {
      AbandonAndHandOff("not_found");
      return false;
    }
    return GoTo(step.on_not_found);
  }

  bool RunLookup(const FlowStep& step) {
    auto customers_repository = customers::OpenCustomerRepository(repository_);
    const std::string key = Render(step.key, state_, Escape::kJson);
    if (step.source == LookupSource::kCustomer) {
      std::optional<customers::CustomerProfile> profile;
      if (step.by == "phone") {
        const auto phone = channels::common::NormalizePhone(key, "ZZ");
        profile = phone ? customers_repository->FindByPhone(*phone) : std::nullopt;
      } else {
        profile = customers_repository->FindByExternalId(key);
      }
      if (!profile) {
        return NotFound(step);
      }
      StoreProfile(*customers_repository, *profile);
      Outcome(step, "found");
      return GoTo(EndOf(flow_, step));
    }
    const auto customer = state_.values.find("customer.customer_id");
    if (customer == state_.values.end()) {
      return NotFound(step);
    }
    const auto transactions = customers_repository->ListTransactions(
        customer->second, customers::ParseTransactionKind(step.transaction_kind), 50);
    for (const auto& transaction : transactions) {
      if (key.empty() || transaction.external_id == key) {
        StoreTransaction(step.save_prefix, transaction);
        Outcome(step, "found");
        return GoTo(EndOf(flow_, step));
      }
    }
    return NotFound(step);
  }

  static bool Compare(const BranchCase& test, const std::map<std::string, std::string>& values) {
    const auto found = values.find(test.value);
    const bool present = found != values.end() && !found->second.empty();
    const std::string value = present ? found->second : std::string();
    switch (test.test) {
      case BranchCase::Test::kEquals:
        return value == test.operand;
      case BranchCase::Test::kNotEquals:
        return value != test.operand;
      case BranchCase::Test::kExists:
        return present;
      case BranchCase::Test::kMissing:
        return !present;
      case BranchCase::Test::kLessThan:
      case BranchCase::Test::kGreaterThan: {
        char* end = nullptr;
        const double number = std::strtod(value.c_str(), &end);
        if (!present || end != value.c_str() + value.size()) {
          return false;
        }
        const double operand = std::strtod(test.operand.c_str(), nullptr);
        return test.test == BranchCase::Test::kLessThan ? number < operand : number > operand;
      }
    }
    return false;
  }

  bool RunBranch(const FlowStep& step) {
    for (std::size_t i = 0; i < step.cases.size(); ++i) {
      if (Compare(step.cases[i], state_.values)) {
        Outcome(step, "case_" + std::to_string(i + 1));
        return GoTo(step.cases[i].next);
      }
    }
    Outcome(step, "otherwise");
    return GoTo(step.otherwise.empty() ? EndOf(flow_, step) : step.otherwise);
  }

  bool RunUpdate(const FlowStep& step) {
    auto customers_repository = customers::OpenCustomerRepository(repository_);
    const auto customer = state_.values.find("customer.customer_id");
    auto profile = customer == state_.values.end()
                       ? std::nullopt
                       : customers_repository->FindByExternalId(customer->second);
    if (!profile) {
      return NotFound(step);
    }
    std::string* field = step.field == "address" ? &profile->address
                         : step.field == "email" ? &profile->email
                                                 : &profile->card_status;
    // The value is rendered unmasked because it is stored, never shown.
    FlowState unmasked = state_;
    unmasked.sensitive.clear();
    const std::string old_value = *field;
    *field = Render(step.value, unmasked, Escape::kMasked);
    profile->updated_at = engine_.clock_.Now();
    customers_repository->UpsertProfile(*profile);
    state_.values["customer." + step.field] = *field;
    Emit(events::kCustomerUpdated, {{"customer_id", profile->external_id},
                                    {"field", step.field},
                                    {"old_value", MaskValue(old_value)},
                                    {"new_value", MaskValue(*field)},
                                    {"flow", flow_.name},
                                    {"channel", channel_.inbox_id}});
    security::AuditRecord audit;
    audit.actor_kind = security::ActorKind::kCustomer;
    audit.actor_id = std::to_string(conversation_.contact_id);
    audit.action = step.field == "card_status" ? "card." + *field : "profile.updated";
    audit.target = "customer:" + profile->external_id + ":" + step.field;
    audit.old_value = old_value;
    audit.new_value = *field;
    audit.channel = channel_.channel;
    audit.conversation_id = conversation_.id;
    audit.occurred_at = engine_.clock_.Now();
    security::AppendAudit(repository_, audit);
    Outcome(step, "updated");
    return GoTo(EndOf(flow_, step));
  }

  // Goes on when this flow already verified the step's method, or else requests it.
  bool RunAuthenticate(const FlowStep& step) {
    const auto method = security::ParseAuthMethod(step.method).value_or(security::AuthMethod::kOtp);
    if (security::HasVerification(repository_, conversation_.id, method, state_.started_at)) {
      Outcome(step, "already_verified");
      return GoTo(EndOf(flow_, step));
    }
    return RequestFactor(step, method);
  }

  // Asks the customer for a verification by `method` and waits at `step` until it is recorded.
  // Always returns false: the turn stops here, or the flow was abandoned.
  bool RequestFactor(const FlowStep& step, security::AuthMethod method) {
    const bool confirming = step.kind == StepKind::kConfirm;
    switch (method) {
      case security::AuthMethod::kOtp:
        if (!SendPasscode(step)) {
          return false;
        }
        Reply(confirming ? step.code_prompt : step.text);
        Outcome(step, "code_sent");
        break;
      case security::AuthMethod::kLink:
        if (!SendLink(step)) {
          return false;
        }
        ReplyUnlessEmpty(step.text);
        Outcome(step, "link_sent");
        break;
      case security::AuthMethod::kApp:
      case security::AuthMethod::kNone:
        Reply(confirming ? step.app_prompt : step.text);
        Outcome(step, "app_requested");
        break;
    }
    state_.awaiting = std::string(security::ToString(method));
    state_.retries = 0;
    Save();
    return false;
  }

  // The phone that passcodes and SMS links go to: the looked-up customer's, else the sender's.
  std::string CustomerPhone() {
    std::string phone = state_.values["customer.phone"];
    return phone.empty() ? state_.values["contact.phone"] : phone;
  }

  // Issues a passcode and queues its SMS. Returns false after abandoning the flow when no code
  // can be sent.
  bool SendPasscode(const FlowStep& step) {
    const std::string phone = CustomerPhone();
    if (engine_.auth_.otp == nullptr || phone.empty()) {
      Outcome(step, "no_phone");
      AbandonAndHandOff("authentication_failed");
      return false;
    }
    const std::string inbox_id = step.sms_inbox.empty() ? channel_.inbox_id : step.sms_inbox;
    if (AbandonIfOptedOut(step, inbox_id, phone)) {
      return false;
    }
    const auto issued =
        engine_.auth_.otp->Issue(repository_, conversation_.id, phone, engine_.clock_.Now());
    if (!issued.ok()) {
      Outcome(step, security::ToString(issued.error));
      AbandonAndHandOff("authentication_failed");
      return false;
    }
    // The code goes into the SMS text only, never into the flow's values. The stored copy of the
    // SMS has the code masked; the outbox keeps the real text only until the send ends.
    QueueSecret(step.code_message, "code", issued.code, std::string(issued.code.size(), '*'),
                step.sms_inbox.empty() ? channel_.inbox_id : step.sms_inbox, phone);
    return true;
  }

  // Creates a signed one-time link and queues its message, by SMS to the customer's phone when
  // the step names an SMS inbox, else into the conversation. Returns false after abandoning the
  // flow when the link cannot be sent.
  bool SendLink(const FlowStep& step) {
    const std::string phone = step.sms_inbox.empty() ? std::string() : CustomerPhone();
    if (!step.sms_inbox.empty() && phone.empty()) {
      Outcome(step, "no_phone");
      AbandonAndHandOff("authentication_failed");
      return false;
    }
    if (!phone.empty() && AbandonIfOptedOut(step, step.sms_inbox, phone)) {
      return false;
    }
    // Link SMS share the passcodes' limit per receiving phone, because otherwise anyone with a
    // customer's number could have links sent to it without end.
    const security::OtpOptions limits =
        engine_.auth_.otp != nullptr ? engine_.auth_.otp->Options() : security::OtpOptions{};
    if (!phone.empty() &&
        security::OpenSignedLinkRepository(repository_)
                ->CountSentToSince(phone, engine_.clock_.Now() - limits.rate_window) >=
            limits.max_codes_per_window) {
      Outcome(step, "rate_limited");
      AbandonAndHandOff("authentication_failed");
      return false;
    }
    const auto link =
        security::CreateSignedLink(repository_, engine_.auth_.public_url, conversation_.id,
                                   flow_.name, engine_.auth_.link_ttl, engine_.clock_.Now(), phone);
    if (!link) {
      AbandonAndHandOff("step_missing");
      return false;
    }
    // The transcript stores the link without its token, so a reader of the transcript cannot
    // confirm it.
    QueueSecret(step.link_message, "link", link->url,
                engine_.auth_.public_url + "/auth/link/[hidden]", step.sms_inbox, phone);
    return true;
  }

  // Abandons the flow and hands off when `phone` opted out of `inbox_id`, because the SMS would
  // never be sent. The reply states why, and nothing is issued or queued. Returns whether
  // the flow was abandoned.
  bool AbandonIfOptedOut(const FlowStep& step, const std::string& inbox_id,
                         const std::string& phone) {
    if (!repository_.IsOptedOut(inbox_id, phone)) {
      return false;
    }
    Outcome(step, "opted_out");
    Reply(kOptedOutReply);
    AbandonAndHandOff("authentication_failed");
    return true;
  }

  // Queues `message` with {{name}} rendered as `secret`, stored with `stored` in its place.
  // An empty `recipient` sends it into the conversation.
  void QueueSecret(const std::string& message, const std::string& name, const std::string& secret,
                   const std::string& stored, const std::string& inbox_id,
                   const std::string& recipient) {
    FlowState with_secret = state_;
    with_secret.values[name] = secret;
    FlowReply reply;
    reply.text = Render(message, with_secret, Escape::kMasked);
    with_secret.values[name] = stored;
    reply.stored_text = Render(message, with_secret, Escape::kMasked);
    reply.inbox_id = recipient.empty() ? std::string() : inbox_id;
    reply.recipient = recipient;
    turn_.replies.push_back(std::move(reply));
  }

  // Goes on after a verification of the awaited method.
  void FactorVerified(const FlowStep& step) {
    state_.awaiting.clear();
    turn_.progress = true;
    Outcome(step, "verified");
    const bool more = step.kind == StepKind::kConfirm ? ConfirmSensitive(step)
                                                      : GoTo(EndOf(flow_, step));
    if (more) {
      Run();
    }
  }

  void AnswerPasscode(const FlowStep& step, std::string_view text) {
    std::string code;
    for (const char c : text) {
      if (c >= '0' && c <= '9') {
        code += c;
      }
    }
    const auto result = engine_.auth_.otp == nullptr
                            ? security::OtpVerifyResult::kNone
                            : engine_.auth_.otp->Verify(repository_, conversation_.id, code,
                                                        engine_.clock_.Now());
    if (result == security::OtpVerifyResult::kOk) {
      FactorVerified(step);
      return;
    }
    if (result == security::OtpVerifyResult::kWrong) {
      state_.awaiting = "otp";
      Reject(step);
      return;
    }
    Outcome(step, security::ToString(result));
    AbandonAndHandOff("authentication_failed");
  }

  // Handles a customer message while the step waits for an app token or a link confirmation,
  // which arrive outside the conversation. The message moves nothing unless the verification
  // is already recorded; a link step sends a new link, because the old one may have expired.
  void AnswerWhileAwaiting(const FlowStep& step, security::AuthMethod method) {
    if (security::HasVerification(repository_, conversation_.id, method, state_.started_at)) {
      FactorVerified(step);
      return;
    }
    if (method == security::AuthMethod::kLink && step.kind == StepKind::kAuthenticate) {
      if (!SendLink(step)) {
        return;
      }
      Outcome(step, "link_sent");
    } else {
      Outcome(step, "reminded");
    }
    ReplyUnlessEmpty(FactorPrompt(step));
    Save();
  }

  // Applies an app token or link result for the awaited method: a verified one goes on, and a
  // rejected one counts as an invalid attempt.
  void CompleteVerification(const FlowStep& step, const VerificationResult& result) {
    if (result.verified) {
      FactorVerified(step);
      return;
    }
    Reject(step);
  }

  bool ApplyHttpResult(const FlowStep& step, const http::ClientResult& result) {
    if (const auto* error = std::get_if<http::ClientError>(&result)) {
      return CallFailed(step, error->kind == http::ClientErrorKind::kTimeout ? "timed_out"
                                                                             : "failed");
    }
    const auto& response = std::get<http::ClientResponse>(result);
    if (!http::IsSuccess(response.status)) {
      return CallFailed(step, "failed");
    }
    boost::system::error_code error;
    const json::value body = step.call.response.empty() ? json::value() : json::parse(response.body, error);
    if (error) {
      return CallFailed(step, "failed");
    }
    std::map<std::string, std::string> mapped;
    for (const auto& [name, pointer] : step.call.response) {
      const json::value* found = body.find_pointer(pointer, error);
      const auto text = found == nullptr || error ? std::nullopt : customers::ScalarText(*found);
      if (!text) {
        return CallFailed(step, "bad_mapping");
      }
      mapped[name] = *text;
    }
    for (auto& [name, value] : mapped) {
      state_.values[name] = std::move(value);
    }
    Outcome(step, "succeeded");
    return GoTo(EndOf(flow_, step));
  }

  bool ApplyCrmResult(const FlowStep& step, const customers::CrmLookup& lookup) {
    switch (lookup.outcome) {
      case customers::CrmOutcome::kNotFound:
        return NotFound(step);
      case customers::CrmOutcome::kTimeout:
        return CallFailed(step, "timed_out");
      case customers::CrmOutcome::kFailed:
        return CallFailed(step, "failed");
      case customers::CrmOutcome::kFound:
        break;
    }
    // The CRM's response is stored locally, so agents see it beside the conversation.
    auto customers_repository = customers::OpenCustomerRepository(repository_);
    customers::CustomerProfile profile = lookup.profile;
    profile.updated_at = engine_.clock_.Now();
    customers_repository->UpsertProfile(profile);
    StoreProfile(*customers_repository, profile);
    std::set<customers::TransactionKind> seen;
    for (const auto& transaction : lookup.transactions) {
      customers_repository->UpsertTransaction(transaction);
      if (seen.insert(transaction.kind).second) {
        StoreTransaction(std::string(customers::ToString(transaction.kind)), transaction);
      }
    }
    Outcome(step, "found");
    return GoTo(EndOf(flow_, step));
  }

  bool CallFailed(const FlowStep& step, std::string_view outcome) {
    Outcome(step, outcome);
    if (step.on_error.empty()) {
      AbandonAndHandOff("call_failed");
      return false;
    }
    return GoTo(step.on_error);
  }

  void Complete(const PendingCall& call, const CallResult& result) {
    const FlowStep* step = flow_.FindStep(state_.step);
    state_.waiting = false;
    if (step == nullptr) {
      AbandonAndHandOff("step_missing");
      return;
    }
    if (call.verification) {
      CompleteVerification(*step, result.verification.value_or(VerificationResult{}));
      return;
    }
    bool more = false;
    if (call.crm && result.crm) {
      more = ApplyCrmResult(*step, *result.crm);
    } else if (!call.crm && result.http) {
      more = ApplyHttpResult(*step, *result.http);
    } else {
      more = CallFailed(*step, "failed");
    }
    if (more) {
      Run();
    }
  }

  [[nodiscard]] FlowTurn& Result() { return turn_; }

 private:
  const FlowEngine& engine_;
  core::Repository& repository_;
  const core::Conversation& conversation_;
  const Flow& flow_;
  FlowState& state_;
  const FlowChannel& channel_;
  std::unique_ptr<FlowRepository> flows_;
  FlowTurn turn_;
};

FlowEngine::FlowEngine(FlowsConfig config, const core::TimeSource& clock, FlowAuthOptions auth)
    : config_(std::move(config)), clock_(clock), auth_(std::move(auth)) {}

const Flow* FlowEngine::FindByIntent(std::string_view intent) const {
  if (intent.empty()) {
    return nullptr;
  }
  for (const auto& flow : config_.flows) {
    for (const auto& name : flow.intents) {
      if (name == intent) {
        return &flow;
      }
    }
  }
  return nullptr;
}

std::optional<FlowState> FlowEngine::ActiveState(core::Repository& repository,
                                                 std::int64_t conversation_id) const {
  return OpenFlowRepository(repository)->Load(conversation_id);
}

FlowTurn FlowEngine::Start(core::Repository& repository, const core::Conversation& conversation,
                           const Flow& flow, const FlowChannel& channel,
                           std::string_view intent) const {
  FlowState state;
  state.conversation_id = conversation.id;
  state.flow = flow.name;
  state.step = flow.steps.front().id;
  state.inbox_id = channel.inbox_id;
  state.recipient = channel.recipient;
  state.started_at = clock_.Now();
  for (const auto& identity : repository.ListIdentities(conversation.contact_id)) {
    if (identity.kind == core::IdentityKind::kPhone) {
      state.values["contact.phone"] = identity.value;
      state.sensitive.insert("contact.phone");
    }
  }
  Turn turn(*this, repository, conversation, flow, state, channel);
  turn.Emit(events::kFlowStarted, {{"flow", flow.name}, {"intent", intent}});
  turn.Result().progress = true;
  turn.Run();
  return turn.Finish();
}

FlowTurn FlowEngine::Continue(core::Repository& repository, const core::Conversation& conversation,
                              FlowState state, std::string_view text, std::string_view reply_id,
                              const FlowChannel& channel) const {
  const Flow* flow = nullptr;
  for (const auto& candidate : config_.flows) {
    if (candidate.name == state.flow) {
      flow = &candidate;
    }
  }
  if (flow == nullptr) {
    // The flow left the config since this state was saved.
    Flow removed{state.flow, {}, {}};
    Turn turn(*this, repository, conversation, removed, state, channel);
    turn.AbandonAndHandOff("step_missing");
    return turn.Finish();
  }
  state.inbox_id = channel.inbox_id;
  state.recipient = channel.recipient;
  Turn turn(*this, repository, conversation, *flow, state, channel);
  if (state.waiting) {
    // The customer wrote while a call runs; the call's result continues the flow.
    turn.Result().progress = true;
    return turn.Finish();
  }
  turn.Answer(text, reply_id);
  return turn.Finish();
}

void FlowEngine::Abandon(core::Repository& repository, const core::Conversation& conversation,
                         const FlowState& state, std::string_view reason) const {
  FlowState copy = state;
  Flow named{state.flow, {}, {}};
  FlowChannel channel{state.inbox_id, state.recipient, false};
  Turn turn(*this, repository, conversation, named, copy, channel);
  turn.Emit(events::kFlowAbandoned, {{"flow", state.flow}, {"step", state.step}, {"reason", reason}});
  OpenFlowRepository(repository)->Delete(state.conversation_id);
}

std::optional<PendingCall> FlowEngine::PrepareCall(const FlowState& state) const {
  if (!state.waiting) {
    return std::nullopt;
  }
  const FlowStep* step = nullptr;
  for (const auto& flow : config_.flows) {
    if (flow.name == state.flow) {
      step = flow.FindStep(state.step);
    }
  }
  PendingCall call;
  call.conversation_id = state.conversation_id;
  call.step = state.step;
  call.call_sequence = state.call_sequence;
  if (step == nullptr) {
    // The step left the config. The request has no URL, so it fails, and CompleteCall then
    // abandons the flow instead of leaving it waiting for ever.
    return call;
  }
  if (step->kind == StepKind::kLookup) {
    call.crm = true;
    call.crm_by = step->by;
    FlowState unmasked = state;
    unmasked.sensitive.clear();
    call.crm_key = Render(step->key, unmasked, Escape::kMasked);
    return call;
  }
  call.request.method = step->call.method;
  call.request.url = Render(step->call.url, state, Escape::kUrl);
  call.request.body = Render(step->call.body, state, Escape::kJson);
  call.request.timeout = step->call.timeout;
  for (const auto& [name, value] : step->call.headers) {
    call.request.headers.Set(name, value);
  }
  if (!call.request.body.empty()) {
    call.request.headers.Set("Content-Type", "application/json");
  }
  // Lets the endpoint drop a repeat of a call that a restart sent again.
  call.request.headers.Set("Idempotency-Key", "flow-" + std::to_string(state.conversation_id) +
                                                  "-" + std::to_string(state.call_sequence));
  return call;
}

std::optional<PendingCall> FlowEngine::PrepareVerification(const FlowState& state,
                                                           security::AuthMethod method) const {
  if (state.awaiting != security::ToString(method)) {
    return std::nullopt;
  }
  PendingCall call;
  call.conversation_id = state.conversation_id;
  call.step = state.step;
  call.call_sequence = state.call_sequence;
  call.verification = method;
  return call;
}

FlowTurn FlowEngine::CompleteCall(core::Repository& repository,
                                  const core::Conversation& conversation, const PendingCall& call,
                                  const CallResult& result, const FlowChannel& channel) const {
  auto state = ActiveState(repository, call.conversation_id);
  if (!state || state->step != call.step || state->call_sequence != call.call_sequence) {
    return {};
  }
  const bool expected = call.verification
                            ? state->awaiting == security::ToString(*call.verification)
                            : state->waiting;
  if (!expected) {
    return {};
  }
  const Flow* flow = nullptr;
  for (const auto& candidate : config_.flows) {
    if (candidate.name == state->flow) {
      flow = &candidate;
    }
  }
  if (flow == nullptr) {
    Abandon(repository, conversation, *state, "step_missing");
    return {};
  }
  Turn turn(*this, repository, conversation, *flow, *state, channel);
  turn.Complete(call, result);
  // Every path ends by saving the state (a new wait) or deleting it (the flow ended).
  return turn.Finish();
}

}  // namespace mobilelink::bot
