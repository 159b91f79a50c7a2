#include "mobilelink/security/audit.hpp"

#include <stdexcept>

#include <openssl/evp.h>

#include "mobilelink/core/card_redactor.hpp"

namespace mobilelink::security {

namespace {

const std::string kGenesisHash(64, '0');
constexpr int kVerifyPage = 1000;

// Appends `value` with its byte length in front, so no two different rows encode to the same
// bytes.
void AppendField(std::string& out, std::string_view value) {
  out += std::to_string(value.size());
  out += ':';
  out += value;
  out += ';';
}

std::int64_t Millis(core::TimePoint time) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
}

bool IsContinuationByte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

}  // namespace

std::string_view ToString(ActorKind kind) {
  switch (kind) {
    case ActorKind::kAgent:
      return "agent";
    case ActorKind::kCustomer:
      return "customer";
    case ActorKind::kBot:
      return "bot";
    case ActorKind::kApiClient:
      return "api_client";
    case ActorKind::kSystem:
      return "system";
  }
  return "system";
}

std::string MaskValue(std::string_view value) {
  const std::string text = core::MaskCardNumbers(value);
  std::vector<std::string_view> characters;
  for (std::size_t i = 0; i < text.size();) {
    std::size_t length = 1;
    while (i + length < text.size() && IsContinuationByte(text[i + length])) {
      ++length;
    }
    characters.push_back(std::string_view(text).substr(i, length));
    i += length;
  }
  std::string masked;
  const std::size_t count = characters.size();
  for (std::size_t i = 0; i < count; ++i) {
    const bool visible = count > 6 && (i == 0 || i + 2 >= count);
    masked += visible ? std::string(characters[i]) : std::string("*");
  }
  return masked;
}

std::string HashAuditRecord(const AuditRecord& record) {
  std::string content;
  AppendField(content, record.prev_hash);
  AppendField(content, std::to_string(record.id));
  AppendField(content, ToString(record.actor_kind));
  AppendField(content, record.actor_id);
  AppendField(content, record.action);
  AppendField(content, record.target);
  AppendField(content, record.old_value);
  AppendField(content, record.new_value);
  AppendField(content, record.channel);
  AppendField(content,
              record.conversation_id ? std::to_string(*record.conversation_id) : std::string());
  AppendField(content, std::to_string(Millis(record.occurred_at)));

  unsigned char digest[EVP_MAX_MD_SIZE];
  std::size_t length = 0;
  if (EVP_Q_digest(nullptr, "SHA256", nullptr, content.data(), content.size(), digest, &length) !=
      1) {
    throw std::runtime_error("SHA-256 of an audit row failed in OpenSSL");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (std::size_t i = 0; i < length; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 0x0F];
  }
  return hex;
}

void AppendAudit(core::Repository& unit, AuditRecord& record) {
  auto log = OpenAuditRepository(unit);
  const auto last = log->Last();
  if (record.mask_values) {
    record.old_value = MaskValue(record.old_value);
    record.new_value = MaskValue(record.new_value);
  } else {
    record.old_value = core::MaskCardNumbers(record.old_value);
    record.new_value = core::MaskCardNumbers(record.new_value);
  }
  record.id = last ? last->first + 1 : 1;
  record.prev_hash = last ? last->second : kGenesisHash;
  record.hash = HashAuditRecord(record);
  log->Insert(record);
}

AuditChainReport VerifyAuditChain(core::Repository& unit) {
  auto log = OpenAuditRepository(unit);
  AuditChainReport report;
  std::string expected_prev = kGenesisHash;
  std::int64_t expected_id = 1;
  while (true) {
    const auto page = log->ListAfter(expected_id - 1, kVerifyPage);
    if (page.empty()) {
      return report;
    }
    for (const auto& record : page) {
      auto fail = [&](std::string reason) {
        report.ok = false;
        report.first_bad_id = record.id;
        report.reason = std::move(reason);
        return report;
      };
      if (record.id != expected_id) {
        return fail("expected row " + std::to_string(expected_id) + " next, found row " +
                    std::to_string(record.id) + ": rows before it were deleted");
      }
      if (record.prev_hash != expected_prev) {
        return fail(
            "prev_hash does not match the previous row's hash: the previous row was "
            "edited or deleted");
      }
      if (HashAuditRecord(record) != record.hash) {
        return fail("hash does not match the row's content: the row was edited");
      }
      expected_prev = record.hash;
      ++expected_id;
      ++report.rows_checked;
    }
  }
}

}  // namespace mobilelink::security
