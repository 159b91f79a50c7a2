#include "mobilelink/channels/common/webhook.hpp"

#include <utility>

namespace mobilelink::channels::common {
namespace {

char ToLowerAscii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ToLowerAscii(a[i]) != ToLowerAscii(b[i])) {
      return false;
    }
  }
  return true;
}

std::string_view TrimSpaces(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
    text.remove_suffix(1);
  }
  return text;
}

int StatusFor(WebhookOutcome outcome) {
  switch (outcome) {
    case WebhookOutcome::kAccepted:
    case WebhookOutcome::kHandshake:
    case WebhookOutcome::kIgnored:
      return 200;
    case WebhookOutcome::kSignatureInvalid:
      return 403;
    case WebhookOutcome::kMalformed:
      return 400;
    case WebhookOutcome::kUnsupportedMedia:
      return 415;
  }
  return 400;
}

}  // namespace

std::optional<std::string_view> FindHeader(const http::Headers& headers, std::string_view name) {
  for (const auto& [key, value] : headers.Lines()) {
    if (EqualsIgnoreCase(key, name)) {
      return std::string_view(value);
    }
  }
  return std::nullopt;
}

bool HasMediaType(const http::Headers& headers, std::string_view media_type) {
  auto content_type = FindHeader(headers, "Content-Type");
  if (!content_type) {
    return false;
  }
  std::string_view type = content_type->substr(0, content_type->find(';'));
  return EqualsIgnoreCase(TrimSpaces(type), media_type);
}

http::HttpResponse MakeResponse(int status, std::string content_type, std::string body) {
  http::HttpResponse response;
  response.status = status;
  response.headers.Add("Content-Type", std::move(content_type));
  response.body = std::move(body);
  return response;
}

ParsedWebhook RejectWebhook(WebhookOutcome outcome, std::string reason, std::string_view field) {
  ParsedWebhook parsed;
  parsed.outcome = outcome;
  parsed.response = http::HttpResponse::Error(StatusFor(outcome), ToString(outcome), reason, field);
  parsed.reason = std::move(reason);
  return parsed;
}

}  // namespace mobilelink::channels::common
