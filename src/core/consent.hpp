#pragma once

#include <string_view>

namespace mobilelink::core {

/// What an inbound text asks for under SMS consent rules.
enum class ConsentKeyword { kNone, kOptOut, kOptIn, kHelp };

/// Classifies an inbound text as an opt-out, opt-in or help request.
///
/// The first sentence of the message (up to '.', '!', '?', ',' or a line break), lower-cased
/// and with courtesy words ("please", "thanks", "thank you", "now") removed, must be exactly
/// one of the keywords: STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT, REVOKE, OPTOUT,
/// "opt out", "stop texting me", "stop messaging me" (opt-out); START, UNSTOP, "opt in"
/// (opt-in); HELP, INFO (help). "Stop. Thank you" opts out, while "we have got to stop meeting
/// like this" does not. YES opts in only when the sender is opted out, which the caller
/// decides: pass `opted_out`.
ConsentKeyword ClassifyConsentKeyword(std::string_view text, bool opted_out);

}  // namespace mobilelink::core
