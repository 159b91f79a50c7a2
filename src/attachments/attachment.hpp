#pragma once

// Files that web chat customers send: the upload limits, the content check and the persistence
// port. The bytes are stored in the database with the row, so an acknowledged upload is as
// durable as a message.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "mobilelink/core/conversation_service.hpp"
#include "mobilelink/core/model.hpp"
#include "mobilelink/core/repository.hpp"

namespace mobilelink::attachments {

/// Maximum size of one attachment: 5 MiB.
inline constexpr std::size_t kMaxAttachmentBytes = 5 * 1024 * 1024;
/// Maximum length of a stored file name in bytes. Longer names are cut at a UTF-8 boundary.
inline constexpr std::size_t kMaxFileNameBytes = 255;
/// The path under which agents and the chat's visitor download an attachment by id.
inline constexpr std::string_view kDownloadPathPrefix = "/api/v1/attachments/";

/// Returns the MIME type that the first bytes of `content` identify: image/jpeg, image/png,
/// image/gif or application/pdf. Returns nullopt for any other content, whatever its name.
std::optional<std::string_view> SniffContentType(std::string_view content);

/// The reason for rejecting an upload: HTTP status, error code, field and message.
struct UploadProblem {
  int status = 400;
  std::string code;
  std::string field;
  std::string message;
};

/// Checks an upload against the limits: at most kMaxAttachmentBytes, not empty, and content
/// that SniffContentType accepts. `declared_type` is the client's Content-Type. When it names a
/// type other than the sniffed one (application/octet-stream and empty excepted), the upload is
/// rejected. Returns the sniffed type, or the problem.
std::variant<std::string, UploadProblem> CheckUpload(std::string_view content,
                                                     std::string_view declared_type);

/// Returns a file name fit to store and show: invalid UTF-8 replaced, control characters
/// dropped, only the part after the last '/' or '\', at most kMaxFileNameBytes, and
/// "attachment" when nothing is left. Markup characters are kept because every page renders
/// the name as text.
std::string CleanFileName(std::string_view name);

/// Returns a `Content-Disposition` value for `file_name`: inline for images, attachment for
/// the rest, with an ASCII `filename` and the exact name as RFC 8187 `filename*`.
std::string ContentDisposition(std::string_view file_name, std::string_view content_type);

/// Returns the download path of an attachment id.
std::string DownloadPath(std::string_view attachment_id);

/// An uploaded file. `conversation_id` and `message_id` are set once a message refers to it.
struct Attachment {
  std::string id;  // "att_" and 22 random URL-safe characters.
  std::string inbox_id;
  std::int64_t contact_id = 0;
  std::string file_name;  // Cleaned and card-masked.
  std::string content_type;  // Sniffed from the content.
  std::int64_t size_bytes = 0;
  std::string sha256;  // Lowercase hex of the content.
  std::optional<std::int64_t> conversation_id;
  std::optional<std::int64_t> message_id;
  core::TimePoint created_at;
};

/// The persistence port of attachments. Runs on the unit of work it was opened on.
class AttachmentRepository {
 public:
  virtual ~AttachmentRepository() = default;
  /// Inserts `attachment` with its bytes.
  virtual void Insert(const Attachment& attachment, std::string_view content) = 0;
  /// Returns the attachment without its bytes.
  virtual std::optional<Attachment> Find(std::string_view id) = 0;
  /// Returns the bytes of an attachment.
  virtual std::optional<std::string> ReadContent(std::string_view id) = 0;
  /// Counts the contact's uploads after `since` that no message has sent.
  virtual int CountUnsentSince(std::int64_t contact_id, core::TimePoint since) = 0;
  /// Deletes the uploads created before `before` that no message has sent. Returns how many.
  virtual int DeleteUnsentBefore(core::TimePoint before) = 0;
  /// Records the message that first referred to the attachment.
  virtual void LinkMessage(std::string_view id, std::int64_t conversation_id,
                           std::int64_t message_id) = 0;
};

std::unique_ptr<AttachmentRepository> OpenAttachmentRepository(core::Repository& unit);

/// Stores `inbound` with the contact's upload `attachment_id` as its media, and links the
/// upload to the message and appends attachment.sent the first time. A resend with the same
/// dedupe key returns the duplicate outcome. When the attachment is not the contact's upload on
/// this inbox, or another message already sent it, sets `rejection` and throws
/// std::runtime_error, so the store rolls the unit back.
core::InboundOutcome ReceiveWithAttachment(core::Repository& repository,
                                           const core::ConversationService& service,
                                           core::InboundMessage inbound,
                                           const std::string& attachment_id,
                                           std::int64_t contact_id, core::TimePoint now,
                                           std::string& rejection);

}  // namespace mobilelink::attachments
