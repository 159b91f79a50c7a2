#pragma once

#include <string_view>

namespace mobilelink::core {

/// What an inbound text asks for under SMS consent rules.
enum class ConsentKeyword { kNone, kOptOut, kOptIn, kHelp };

/// Classifies an inbound text as an opt-out, opt-in or help request.
///
/// The first sentence of the message ends at '.', '!', '?', ',' or a line break. Lower-cased
/// and without courtesy words ("please", "thanks", "thank you", "now"), it must be exactly one
/// keyword:
/// - opt-out: STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT, REVOKE, OPTOUT, "opt out",
///   "stop texting me", "stop messaging me";
/// - opt-in: START, UNSTOP, "opt in";
/// - help: HELP, INFO.
/// So "Stop. Thank you" opts out, while "we have got to stop meeting like this" does not. YES
/// opts in only when the sender is opted out, which the caller passes as `opted_out`.
ConsentKeyword ClassifyConsentKeyword(std::string_view text, bool opted_out);

}  // namespace mobilelink::core
