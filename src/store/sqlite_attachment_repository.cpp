// SQLite implementation of the attachment port, on the unit of work's own connection and
// transaction.

#include "mobilelink/attachments/attachment.hpp"
#include "mobilelink/store/sqlite_repository.hpp"

namespace mobilelink::store {

namespace {

constexpr Query kInsertAttachment{
    "insert_attachment",
    "INSERT INTO attachments (id, inbox_id, contact_id, file_name, content_type, size_bytes, "
    "sha256, content, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"};
constexpr Query kFindAttachment{
    "find_attachment",
    "SELECT id, inbox_id, contact_id, file_name, content_type, size_bytes, sha256, "
    "conversation_id, message_id, created_at FROM attachments WHERE id = ?1"};
constexpr Query kReadAttachmentContent{"read_attachment_content",
                                       "SELECT content FROM attachments WHERE id = ?1"};
constexpr Query kCountUnsentAttachments{
    "count_unsent_attachments",
    "SELECT COUNT(*) FROM attachments WHERE contact_id = ?1 AND created_at > ?2 "
    "AND message_id IS NULL"};
constexpr Query kDeleteUnsentAttachments{
    "delete_unsent_attachments",
    "DELETE FROM attachments WHERE message_id IS NULL AND created_at < ?1"};
constexpr Query kLinkAttachment{
    "link_attachment",
    "UPDATE attachments SET conversation_id = ?2, message_id = ?3 "
    "WHERE id = ?1 AND message_id IS NULL"};

class SqliteAttachmentRepository final : public attachments::AttachmentRepository {
 public:
  explicit SqliteAttachmentRepository(Connection& db) : db_(db) {}

  void Insert(const attachments::Attachment& attachment, std::string_view content) override {
    db_.Prepare(kInsertAttachment)
        .Bind(1, attachment.id)
        .Bind(2, attachment.inbox_id)
        .Bind(3, attachment.contact_id)
        .Bind(4, attachment.file_name)
        .Bind(5, attachment.content_type)
        .Bind(6, attachment.size_bytes)
        .Bind(7, attachment.sha256)
        .BindBlob(8, content)
        .Bind(9, ToMillis(attachment.created_at))
        .Run();
  }

  std::optional<attachments::Attachment> Find(std::string_view id) override {
    auto statement = db_.Prepare(kFindAttachment);
    statement.Bind(1, id);
    if (!statement.Step()) {
      return std::nullopt;
    }
    attachments::Attachment attachment;
    attachment.id = statement.Text(0);
    attachment.inbox_id = statement.Text(1);
    attachment.contact_id = statement.Int(2);
    attachment.file_name = statement.Text(3);
    attachment.content_type = statement.Text(4);
    attachment.size_bytes = statement.Int(5);
    attachment.sha256 = statement.Text(6);
    attachment.conversation_id = statement.OptionalInt(7);
    attachment.message_id = statement.OptionalInt(8);
    attachment.created_at = FromMillis(statement.Int(9));
    return attachment;
  }

  int CountUnsentSince(std::int64_t contact_id, core::TimePoint since) override {
    auto statement = db_.Prepare(kCountUnsentAttachments);
    statement.Bind(1, contact_id).Bind(2, ToMillis(since));
    return statement.Step() ? static_cast<int>(statement.Int(0)) : 0;
  }

  int DeleteUnsentBefore(core::TimePoint before) override {
    db_.Prepare(kDeleteUnsentAttachments).Bind(1, ToMillis(before)).Run();
    return db_.Changes();
  }

  std::optional<std::string> ReadContent(std::string_view id) override {
    auto statement = db_.Prepare(kReadAttachmentContent);
    statement.Bind(1, id);
    if (!statement.Step()) {
      return std::nullopt;
    }
    return statement.Blob(0);
  }

  void LinkMessage(std::string_view id, std::int64_t conversation_id,
                   std::int64_t message_id) override {
    db_.Prepare(kLinkAttachment).Bind(1, id).Bind(2, conversation_id).Bind(3, message_id).Run();
  }

 private:
  Connection& db_;
};

}  // namespace

}  // namespace mobilelink::store

namespace mobilelink::attachments {

std::unique_ptr<AttachmentRepository> OpenAttachmentRepository(core::Repository& unit) {
  return std::make_unique<store::SqliteAttachmentRepository>(
      static_cast<store::SqliteRepository&>(unit).Db());
}

}  // namespace mobilelink::attachments
