#include "mobilelink/attachments/attachment.hpp"

#include <array>
#include <cctype>
#include <utility>

#include "mobilelink/core/text.hpp"

namespace mobilelink::attachments {

namespace {

struct Signature {
  std::string_view prefix;
  std::string_view content_type;
};

// File signatures: JPEG starts with an SOI marker and the next marker's 0xFF, PNG with its
// 8-byte signature, GIF with its version header and PDF with its "%PDF-" header line.
constexpr std::array<Signature, 5> kSignatures{{
    {std::string_view("\xFF\xD8\xFF", 3), "image/jpeg"},
    {std::string_view("\x89PNG\r\n\x1A\n", 8), "image/png"},
    {"GIF87a", "image/gif"},
    {"GIF89a", "image/gif"},
    {"%PDF-", "application/pdf"},
}};

std::string Lowercase(std::string_view text) {
  std::string lower;
  for (char c : text) {
    lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return lower;
}

// Returns the media type of a Content-Type value, lowercased, without parameters or spaces.
std::string MediaTypeOf(std::string_view content_type) {
  content_type = content_type.substr(0, content_type.find(';'));
  while (!content_type.empty() && content_type.front() == ' ') {
    content_type.remove_prefix(1);
  }
  while (!content_type.empty() && content_type.back() == ' ') {
    content_type.remove_suffix(1);
  }
  std::string type = Lowercase(content_type);
  return type == "image/jpg" || type == "image/pjpeg" ? "image/jpeg" : type;
}

// Cuts `text` to at most `max_bytes` without splitting a UTF-8 sequence.
std::string CutUtf8(std::string text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) {
    return text;
  }
  std::size_t end = max_bytes;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
    --end;
  }
  text.resize(end);
  return text;
}

bool IsAttrChar(unsigned char c) {
  constexpr std::string_view kMarks = "!#$&+-.^_`|~";
  return std::isalnum(c) != 0 || kMarks.find(static_cast<char>(c)) != std::string_view::npos;
}

}  // namespace

std::optional<std::string_view> SniffContentType(std::string_view content) {
  for (const auto& signature : kSignatures) {
    if (content.starts_with(signature.prefix)) {
      return signature.content_type;
    }
  }
  return std::nullopt;
}

std::variant<std::string, UploadProblem> CheckUpload(std::string_view content,
                                                     std::string_view declared_type) {
  if (content.empty()) {
    return UploadProblem{400, "empty_attachment", "body",
                         "the upload is empty; send the file's bytes as the request body"};
  }
  if (content.size() > kMaxAttachmentBytes) {
    return UploadProblem{413, "attachment_too_large", "body",
                         "the file is " + std::to_string(content.size()) +
                             " bytes; an attachment may be at most 5 MB (" +
                             std::to_string(kMaxAttachmentBytes) + " bytes)"};
  }
  const auto sniffed = SniffContentType(content);
  if (!sniffed) {
    return UploadProblem{415, "unsupported_attachment_type", "body",
                         "the content is not a JPEG, PNG, GIF or PDF file (the bytes are checked, "
                         "not the name or Content-Type); send one of those types"};
  }
  const std::string declared = MediaTypeOf(declared_type);
  if (!declared.empty() && declared != "application/octet-stream" && declared != *sniffed) {
    return UploadProblem{415, "content_type_mismatch", "Content-Type",
                         "Content-Type is " + declared + " but the content is " +
                             std::string(*sniffed) + "; send the file's own type"};
  }
  return std::string(*sniffed);
}

std::string CleanFileName(std::string_view name) {
  const auto separator = name.find_last_of("/\\");
  if (separator != std::string_view::npos) {
    name.remove_prefix(separator + 1);
  }
  std::string cleaned;
  for (char c : core::SanitizeUtf8(name)) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 && byte != 0x7F) {
      cleaned.push_back(c);
    }
  }
  cleaned = CutUtf8(std::move(cleaned), kMaxFileNameBytes);
  if (core::IsBlank(cleaned)) {
    return "attachment";
  }
  return cleaned;
}

std::string ContentDisposition(std::string_view file_name, std::string_view content_type) {
  std::string fallback;
  std::string encoded;
  constexpr std::string_view kHex = "0123456789ABCDEF";
  for (char c : file_name) {
    const auto byte = static_cast<unsigned char>(c);
    const bool plain = byte >= 0x20 && byte < 0x7F && c != '"' && c != '\\';
    fallback.push_back(plain ? c : '_');
    if (IsAttrChar(byte)) {
      encoded.push_back(c);
    } else {
      encoded += '%';
      encoded += kHex[byte >> 4];
      encoded += kHex[byte & 0x0F];
    }
  }
  const std::string kind = content_type.starts_with("image/") ? "inline" : "attachment";
  return kind + "; filename=\"" + fallback + "\"; filename*=UTF-8''" + encoded;
}

std::string DownloadPath(std::string_view attachment_id) {
  return std::string(kDownloadPathPrefix) + std::string(attachment_id);
}

}  // namespace mobilelink::attachments
