#pragma once

// Small helpers that every adapter uses to read a webhook request and to build its response.

#include <optional>
#include <string>
#include <string_view>

#include "mobilelink/channels/adapter.hpp"
#include "mobilelink/http/types.hpp"

namespace mobilelink::channels::common {

/// Returns the first value of header `name`, compared case-insensitively, or nullopt. Reads
/// Headers::Lines() directly so that adapters depend only on the header-only part of Headers.
[[nodiscard]] std::optional<std::string_view> FindHeader(const http::Headers& headers,
                                                         std::string_view name);

/// Returns true when the Content-Type's media type (before any ';' parameter) equals
/// `media_type`, ignoring case and surrounding spaces.
[[nodiscard]] bool HasMediaType(const http::Headers& headers, std::string_view media_type);

/// Returns a response with the given status, Content-Type and body.
[[nodiscard]] http::HttpResponse MakeResponse(int status, std::string content_type,
                                              std::string body);

/// Returns a rejected or ignored webhook whose response is the JSON error body of
/// http::HttpResponse::Error, with the status that matches `outcome` (200 ignored, 400 malformed,
/// 403 bad signature, 415 media type), `ToString(outcome)` as the code and `reason` as the
/// message. `field` names the offending parameter or header when one is known. `reason` must
/// name the field and the cause and hold no secret.
[[nodiscard]] ParsedWebhook RejectWebhook(WebhookOutcome outcome, std::string reason,
                                          std::string_view field = {});

}  // namespace mobilelink::channels::common
