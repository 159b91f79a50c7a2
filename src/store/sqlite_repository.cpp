#include "mobilelink/store/sqlite_repository.hpp"

#include <stdexcept>

#include <boost/json.hpp>

namespace mobilelink::store {

namespace json = boost::json;

std::int64_t ToMillis(core::TimePoint time) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
}

core::TimePoint FromMillis(std::int64_t millis) {
  return core::TimePoint(std::chrono::milliseconds(millis));
}

namespace {

std::optional<std::int64_t> OptionalMillis(const std::optional<core::TimePoint>& time) {
  if (!time) {
    return std::nullopt;
  }
  return ToMillis(*time);
}

std::string MediaToJson(const std::vector<core::Media>& media) {
  json::array items;
  for (const auto& item : media) {
    json::object entry{{"url", item.url}, {"content_type", item.content_type}};
    if (!item.file_name.empty()) {
      entry["file_name"] = item.file_name;
    }
    items.push_back(std::move(entry));
  }
  return json::serialize(items);
}

std::vector<core::Media> MediaFromJson(const std::string& text) {
  std::vector<core::Media> media;
  boost::system::error_code error;
  const json::value parsed = json::parse(text, error);
  if (error || !parsed.is_array()) {
    return media;
  }
  for (const auto& item : parsed.as_array()) {
    if (!item.is_object()) {
      continue;
    }
    const auto& object = item.as_object();
    core::Media entry;
    if (const auto* url = object.if_contains("url"); url && url->is_string()) {
      entry.url = std::string(url->as_string());
    }
    if (const auto* type = object.if_contains("content_type"); type && type->is_string()) {
      entry.content_type = std::string(type->as_string());
    }
    if (const auto* name = object.if_contains("file_name"); name && name->is_string()) {
      entry.file_name = std::string(name->as_string());
    }
    media.push_back(std::move(entry));
  }
  return media;
}

std::string OptionsToJson(const std::vector<core::QuickReply>& options) {
  json::array items;
  for (const auto& option : options) {
    items.push_back(json::object{{"id", option.id}, {"title", option.title}});
  }
  return json::serialize(items);
}

std::vector<core::QuickReply> OptionsFromJson(const std::string& text) {
  std::vector<core::QuickReply> options;
  boost::system::error_code error;
  const json::value parsed = json::parse(text, error);
  if (error || !parsed.is_array()) {
    return options;
  }
  for (const auto& item : parsed.as_array()) {
    const auto* object = item.if_object();
    const auto* id = object ? object->if_contains("id") : nullptr;
    const auto* title = object ? object->if_contains("title") : nullptr;
    if (id && id->is_string() && title && title->is_string()) {
      options.push_back({std::string(id->as_string()), std::string(title->as_string())});
    }
  }
  return options;
}

constexpr Query kInsertMessageOptions{
    "insert_message_options",
    "INSERT INTO message_options (message_id, options_json) VALUES (?1, ?2)"};

std::string ScopeOf(const core::ContactIdentity& identity) {
  return identity.kind == core::IdentityKind::kWebchat ? identity.inbox_id : std::string();
}

constexpr Query kFindIdentity{"find_identity",
                              "SELECT contact_id FROM contact_identities "
                              "WHERE kind = ?1 AND value = ?2 AND scope = ?3"};
constexpr Query kInsertContact{"insert_contact",
                               "INSERT INTO contacts (name, created_at) VALUES (?1, ?2)"};
constexpr Query kInsertIdentity{
    "insert_identity",
    "INSERT INTO contact_identities (contact_id, kind, value, scope) VALUES (?1, ?2, ?3, ?4)"};
constexpr Query kFillContactName{"fill_contact_name",
                                 "UPDATE contacts SET name = ?2 WHERE id = ?1 AND name = ''"};
constexpr Query kGetContact{"get_contact",
                            "SELECT id, name, created_at FROM contacts WHERE id = ?1"};
constexpr Query kListIdentities{
    "list_identities",
    "SELECT kind, value, scope FROM contact_identities WHERE contact_id = ?1 ORDER BY id"};

#define CONVERSATION_COLUMNS                                                              \
  "id, contact_id, status, tier, priority, assignee_agent_id, last_inbox_id, "            \
  "bot_unresolved_count, handoff_summary, created_at, updated_at, handed_off_at, resolved_at"

constexpr Query kFindActiveConversation{
    "find_active_conversation",
    "SELECT " CONVERSATION_COLUMNS
    " FROM conversations WHERE contact_id = ?1 AND status != 'resolved' ORDER BY id DESC LIMIT 1"};
constexpr Query kFindLatestResolved{
    "find_latest_resolved_conversation",
    "SELECT " CONVERSATION_COLUMNS
    " FROM conversations WHERE contact_id = ?1 AND status = 'resolved' "
    "ORDER BY resolved_at DESC, id DESC LIMIT 1"};
constexpr Query kGetConversation{"get_conversation",
                                 "SELECT " CONVERSATION_COLUMNS " FROM conversations WHERE id = ?1"};
constexpr Query kInsertConversation{
    "insert_conversation",
    "INSERT INTO conversations (contact_id, status, tier, priority, assignee_agent_id, "
    "last_inbox_id, bot_unresolved_count, handoff_summary, created_at, updated_at, "
    "handed_off_at, resolved_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"};
constexpr Query kUpdateConversation{
    "update_conversation",
    "UPDATE conversations SET contact_id = ?1, status = ?2, tier = ?3, priority = ?4, "
    "assignee_agent_id = ?5, last_inbox_id = ?6, bot_unresolved_count = ?7, "
    "handoff_summary = ?8, created_at = ?9, updated_at = ?10, handed_off_at = ?11, "
    "resolved_at = ?12 WHERE id = ?13"};
constexpr Query kAssignIfUnassigned{
    "assign_if_unassigned",
    "UPDATE conversations SET assignee_agent_id = ?2, updated_at = ?3, status = 'open' "
    "WHERE id = ?1 AND assignee_agent_id IS NULL AND status != 'resolved'"};
// The status filter is a plain equality, so that the queue and "mine" views search the
// conversations_queue index instead of scanning every conversation ever stored.
#define LIST_CONVERSATIONS_FILTERS                                                       \
  " tier >= ?2 AND (?3 = 0 OR assignee_agent_id IS NULL) "                             \
  "AND (?4 IS NULL OR assignee_agent_id = ?4) "                                        \
  "ORDER BY COALESCE(handed_off_at, created_at), id LIMIT ?5"
constexpr Query kListConversationsInStatus{
    "list_conversations_in_status",
    "SELECT " CONVERSATION_COLUMNS
    " FROM conversations WHERE status = ?1 AND" LIST_CONVERSATIONS_FILTERS};
constexpr Query kListConversations{
    "list_conversations",
    "SELECT " CONVERSATION_COLUMNS
    " FROM conversations WHERE ?1 IS NULL AND" LIST_CONVERSATIONS_FILTERS};

#define MESSAGE_COLUMNS                                                                   \
  "id, conversation_id, inbox_id, direction, sender, agent_id, text, media_json, "        \
  "provider_message_id, client_message_id, status, error_code, error_message, encoding, " \
  "segments, intent, intent_confidence, created_at, updated_at"

constexpr Query kFindInbound{"find_inbound_message",
                             "SELECT id FROM messages WHERE inbox_id = ?1 AND direction = 'inbound' "
                             "AND provider_message_id = ?2"};
constexpr Query kFindOutbound{"find_outbound_message",
                              "SELECT " MESSAGE_COLUMNS
                              " FROM messages WHERE inbox_id = ?1 AND direction = 'outbound' "
                              "AND provider_message_id = ?2"};
constexpr Query kGetMessage{"get_message", "SELECT " MESSAGE_COLUMNS " FROM messages WHERE id = ?1"};
constexpr Query kInsertMessage{
    "insert_message",
    "INSERT INTO messages (conversation_id, inbox_id, direction, sender, agent_id, text, "
    "media_json, provider_message_id, client_message_id, status, error_code, error_message, "
    "encoding, segments, intent, intent_confidence, created_at, updated_at) VALUES (?1, ?2, ?3, "
    "?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)"};
constexpr Query kUpdateDelivery{
    "update_message_delivery",
    "UPDATE messages SET provider_message_id = ?2, status = ?3, error_code = ?4, "
    "error_message = ?5, updated_at = ?6 WHERE id = ?1"};
constexpr Query kListMessages{"list_messages",
                              "SELECT " MESSAGE_COLUMNS
                              " FROM messages WHERE conversation_id = ?1 AND id > ?2 "
                              "ORDER BY id LIMIT ?3"};
constexpr Query kLastInbound{
    "last_inbound_at",
    "SELECT MAX(m.created_at) FROM messages m JOIN conversations c ON c.id = m.conversation_id "
    "WHERE c.contact_id = ?1 AND m.inbox_id = ?2 AND m.direction = 'inbound'"};

constexpr Query kAppendEvent{
    "append_event",
    "INSERT INTO events (type, conversation_id, contact_id, message_id, agent_id, inbox_id, "
    "data_json, occurred_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"};
constexpr Query kListEvents{"list_events",
                            "SELECT id, type, conversation_id, contact_id, message_id, agent_id, "
                            "inbox_id, data_json, occurred_at FROM events WHERE id > ?1 "
                            "ORDER BY id LIMIT ?2"};

// A provider retry of the same status finds the kept row and inserts nothing.
constexpr Query kSaveOrphanStatus{
    "save_orphan_status",
    "INSERT INTO orphan_statuses (inbox_id, provider_message_id, status, error_code, "
    "error_message, received_at, callback_data, recipient) SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8 "
    "WHERE NOT EXISTS ("
    "SELECT 1 FROM orphan_statuses WHERE inbox_id = ?1 AND provider_message_id = ?2 "
    "AND status = ?3)"};
constexpr Query kSelectOrphanStatuses{
    "select_orphan_statuses",
    "SELECT status, error_code, error_message, callback_data, recipient FROM orphan_statuses "
    "WHERE inbox_id = ?1 "
    "AND provider_message_id = ?2 ORDER BY id"};
constexpr Query kDeleteOrphanStatuses{
    "delete_orphan_statuses",
    "DELETE FROM orphan_statuses WHERE inbox_id = ?1 AND provider_message_id = ?2"};

constexpr Query kIsOptedOut{"is_opted_out",
                            "SELECT opted_out FROM opt_outs WHERE inbox_id = ?1 AND address = ?2"};
constexpr Query kSetOptedOut{
    "set_opted_out",
    "INSERT INTO opt_outs (inbox_id, address, opted_out, updated_at) VALUES (?1, ?2, ?3, ?4) "
    "ON CONFLICT (inbox_id, address) DO UPDATE SET opted_out = excluded.opted_out, "
    "updated_at = excluded.updated_at"};

#define OUTBOX_COLUMNS                                                                    \
  "o.id, o.message_id, o.conversation_id, o.inbox_id, o.recipient, "                      \
  "COALESCE(o.send_text, m.text), m.media_json, "                                          \
  "o.attempts, o.due_at, o.claimed_at, o.state, m.sender, "                               \
  "(SELECT options_json FROM message_options WHERE message_id = o.message_id)"

constexpr Query kEnqueueOutbox{
    "enqueue_outbox",
    "INSERT INTO outbox (message_id, conversation_id, inbox_id, recipient, state, attempts, "
    "due_at, send_text) VALUES (?1, ?2, ?3, ?4, 'pending', 0, ?5, ?6)"};
// An entry is due when no earlier entry of its conversation is still pending or in flight, so
// replies reach the customer in the order they were written.
constexpr Query kSelectDueOutbox{
    "select_due_outbox",
    "SELECT " OUTBOX_COLUMNS
    " FROM outbox o JOIN messages m ON m.id = o.message_id "
    "WHERE o.state IN ('pending', 'unknown') AND o.due_at <= ?1 AND NOT EXISTS (SELECT 1 FROM outbox p "
    "WHERE p.conversation_id = o.conversation_id AND p.id < o.id "
    "AND p.state IN ('pending', 'sending', 'unknown')) ORDER BY o.id LIMIT ?2"};
// A row claimed from `unknown` keeps the start of the interrupted attempt, because the lookup
// for a message the provider may already have accepted must search from that time.
constexpr Query kMarkSending{
    "mark_outbox_sending",
    "UPDATE outbox SET state = 'sending', attempts = attempts + 1, "
    "claimed_at = CASE WHEN state = 'unknown' THEN claimed_at ELSE ?2 END WHERE id = ?1"};
constexpr Query kUpdateOutbox{
    "update_outbox",
    "UPDATE outbox SET state = ?2, attempts = ?3, due_at = ?4, last_error = ?5, "
    "send_text = CASE WHEN ?2 IN ('done', 'failed') THEN NULL ELSE send_text END WHERE id = ?1"};
constexpr Query kListOutboxInState{"list_outbox_in_state",
                                   "SELECT " OUTBOX_COLUMNS
                                   " FROM outbox o JOIN messages m ON m.id = o.message_id "
                                   "WHERE o.state = ?1 ORDER BY o.id LIMIT ?2"};
constexpr Query kMarkInterrupted{"mark_outbox_interrupted",
                                 "UPDATE outbox SET state = 'unknown' WHERE state = 'sending'"};
constexpr Query kCountOutbox{"count_outbox", "SELECT COUNT(*) FROM outbox WHERE state = ?1"};
constexpr Query kNextOutboxDue{"next_outbox_due",
                               "SELECT MIN(due_at) FROM outbox WHERE state = 'pending'"};

constexpr Query kUpsertAgent{
    "upsert_agent",
    "INSERT INTO agents (login, name, role, password_hash, active) VALUES (?1, ?2, ?3, ?4, ?5) "
    "ON CONFLICT (login) DO UPDATE SET name = excluded.name, role = excluded.role, "
    "password_hash = excluded.password_hash, active = excluded.active RETURNING id"};
constexpr Query kFindAgentByLogin{
    "find_agent_by_login",
    "SELECT id, login, name, role, password_hash, active FROM agents WHERE login = ?1"};
constexpr Query kGetAgent{"get_agent",
                          "SELECT id, login, name, role, password_hash, active FROM agents "
                          "WHERE id = ?1"};
constexpr Query kListAgents{"list_agents",
                            "SELECT id, login, name, role, password_hash, active FROM agents "
                            "ORDER BY id"};
constexpr Query kInsertToken{
    "insert_access_token",
    "INSERT INTO access_tokens (token_hash, agent_id, expires_at) VALUES (?1, ?2, ?3)"};
constexpr Query kFindToken{"find_access_token",
                           "SELECT agent_id FROM access_tokens WHERE token_hash = ?1 "
                           "AND expires_at > ?2"};
constexpr Query kRevokeToken{"revoke_access_token",
                             "DELETE FROM access_tokens WHERE token_hash = ?1"};
constexpr Query kCountAssigned{"count_assigned",
                               "SELECT COUNT(*) FROM conversations WHERE assignee_agent_id = ?1 "
                               "AND status != 'resolved'"};
constexpr Query kInsertWebchatSession{
    "insert_webchat_session",
    "INSERT INTO webchat_sessions (token_hash, inbox_id, visitor_id, contact_id, created_at, "
    "expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"};
constexpr Query kFindWebchatSession{
    "find_webchat_session",
    "SELECT token_hash, inbox_id, visitor_id, contact_id, created_at, expires_at "
    "FROM webchat_sessions WHERE token_hash = ?1 AND expires_at > ?2"};

core::Conversation ReadConversation(const Statement& row) {
  core::Conversation conversation;
  conversation.id = row.Int(0);
  conversation.contact_id = row.Int(1);
  conversation.status =
      core::ParseConversationStatus(row.Text(2)).value_or(core::ConversationStatus::kOpen);
  conversation.tier = static_cast<int>(row.Int(3));
  conversation.priority = core::ParsePriority(row.Text(4)).value_or(core::Priority::kStandard);
  conversation.assignee_agent_id = row.OptionalInt(5);
  conversation.last_inbox_id = row.Text(6);
  conversation.bot_unresolved_count = static_cast<int>(row.Int(7));
  conversation.handoff_summary = row.Text(8);
  conversation.created_at = FromMillis(row.Int(9));
  conversation.updated_at = FromMillis(row.Int(10));
  if (auto at = row.OptionalInt(11)) {
    conversation.handed_off_at = FromMillis(*at);
  }
  if (auto at = row.OptionalInt(12)) {
    conversation.resolved_at = FromMillis(*at);
  }
  return conversation;
}

void BindConversation(Statement& statement, const core::Conversation& conversation) {
  statement.Bind(1, conversation.contact_id)
      .Bind(2, core::ToString(conversation.status))
      .Bind(3, conversation.tier)
      .Bind(4, core::ToString(conversation.priority))
      .Bind(5, conversation.assignee_agent_id)
      .Bind(6, conversation.last_inbox_id)
      .Bind(7, conversation.bot_unresolved_count)
      .Bind(8, conversation.handoff_summary)
      .Bind(9, ToMillis(conversation.created_at))
      .Bind(10, ToMillis(conversation.updated_at))
      .Bind(11, OptionalMillis(conversation.handed_off_at))
      .Bind(12, OptionalMillis(conversation.resolved_at));
}

core::Message ReadMessage(const Statement& row) {
  core::Message message;
  message.id = row.Int(0);
  message.conversation_id = row.Int(1);
  message.inbox_id = row.Text(2);
  message.direction = core::ParseDirection(row.Text(3)).value_or(core::Direction::kInbound);
  message.sender = core::ParseSenderKind(row.Text(4)).value_or(core::SenderKind::kCustomer);
  message.agent_id = row.OptionalInt(5);
  message.text = row.Text(6);
  message.media = MediaFromJson(row.Text(7));
  message.provider_message_id = row.Text(8);
  message.client_message_id = row.Text(9);
  message.status = core::ParseDeliveryStatus(row.Text(10)).value_or(core::DeliveryStatus::kNone);
  message.error_code = row.Text(11);
  message.error_message = row.Text(12);
  message.encoding = row.Text(13);
  message.segments = static_cast<int>(row.Int(14));
  message.intent = row.Text(15);
  message.intent_confidence = row.Real(16);
  message.created_at = FromMillis(row.Int(17));
  message.updated_at = FromMillis(row.Int(18));
  return message;
}

core::Agent ReadAgent(const Statement& row) {
  core::Agent agent;
  agent.id = row.Int(0);
  agent.login = row.Text(1);
  agent.name = row.Text(2);
  agent.role = row.Text(3);
  agent.password_hash = row.Text(4);
  agent.active = row.Int(5) != 0;
  return agent;
}

}  // namespace

std::int64_t SqliteRepository::ResolveContact(const core::ContactIdentity& identity,
                                              std::string_view name, core::TimePoint now) {
  // The store has one writer, so this lookup and the inserts below cannot interleave with
  // another resolve of the same identity. The UNIQUE key still guards the invariant.
  const std::string scope = ScopeOf(identity);
  {
    auto find = db_.Prepare(kFindIdentity);
    find.Bind(1, core::ToString(identity.kind)).Bind(2, identity.value).Bind(3, scope);
    if (find.Step()) {
      const std::int64_t contact_id = find.Int(0);
      if (!name.empty()) {
        db_.Prepare(kFillContactName).Bind(1, contact_id).Bind(2, name).Run();
      }
      return contact_id;
    }
  }
  db_.Prepare(kInsertContact).Bind(1, name).Bind(2, ToMillis(now)).Run();
  const std::int64_t contact_id = db_.LastInsertId();
  db_.Prepare(kInsertIdentity)
      .Bind(1, contact_id)
      .Bind(2, core::ToString(identity.kind))
      .Bind(3, identity.value)
      .Bind(4, scope)
      .Run();
  return contact_id;
}

std::optional<core::Contact> SqliteRepository::GetContact(std::int64_t contact_id) {
  auto row = db_.Prepare(kGetContact);
  row.Bind(1, contact_id);
  if (!row.Step()) {
    return std::nullopt;
  }
  return core::Contact{row.Int(0), row.Text(1), FromMillis(row.Int(2))};
}

std::vector<core::ContactIdentity> SqliteRepository::ListIdentities(std::int64_t contact_id) {
  std::vector<core::ContactIdentity> identities;
  auto row = db_.Prepare(kListIdentities);
  row.Bind(1, contact_id);
  while (row.Step()) {
    identities.push_back(
        {core::ParseIdentityKind(row.Text(0)).value_or(core::IdentityKind::kPhone), row.Text(1),
         row.Text(2)});
  }
  return identities;
}

std::optional<core::Conversation> SqliteRepository::FindActiveConversation(
    std::int64_t contact_id) {
  auto row = db_.Prepare(kFindActiveConversation);
  row.Bind(1, contact_id);
  if (!row.Step()) {
    return std::nullopt;
  }
  return ReadConversation(row);
}

std::optional<core::Conversation> SqliteRepository::FindLatestResolvedConversation(
    std::int64_t contact_id) {
  auto row = db_.Prepare(kFindLatestResolved);
  row.Bind(1, contact_id);
  if (!row.Step()) {
    return std::nullopt;
  }
  return ReadConversation(row);
}

void SqliteRepository::InsertConversation(core::Conversation& conversation) {
  auto statement = db_.Prepare(kInsertConversation);
  BindConversation(statement, conversation);
  statement.Run();
  conversation.id = db_.LastInsertId();
}

std::optional<core::Conversation> SqliteRepository::GetConversation(std::int64_t conversation_id) {
  auto row = db_.Prepare(kGetConversation);
  row.Bind(1, conversation_id);
  if (!row.Step()) {
    return std::nullopt;
  }
  return ReadConversation(row);
}

void SqliteRepository::UpdateConversation(const core::Conversation& conversation) {
  auto statement = db_.Prepare(kUpdateConversation);
  BindConversation(statement, conversation);
  statement.Bind(13, conversation.id);
  statement.Run();
}

bool SqliteRepository::AssignIfUnassigned(std::int64_t conversation_id, std::int64_t agent_id,
                                          core::TimePoint now) {
  db_.Prepare(kAssignIfUnassigned).Bind(1, conversation_id).Bind(2, agent_id).Bind(3, ToMillis(now)).Run();
  return db_.Changes() == 1;
}

std::vector<core::Conversation> SqliteRepository::ListConversations(
    const core::ConversationFilter& filter) {
  auto row = db_.Prepare(filter.status ? kListConversationsInStatus : kListConversations);
  if (filter.status) {
    row.Bind(1, core::ToString(*filter.status));
  } else {
    row.BindNull(1);
  }
  row.Bind(2, filter.min_tier.value_or(0))
      .Bind(3, filter.unassigned_only ? 1 : 0)
      .Bind(4, filter.assignee_agent_id)
      .Bind(5, filter.limit);
  std::vector<core::Conversation> conversations;
  while (row.Step()) {
    conversations.push_back(ReadConversation(row));
  }
  return conversations;
}

std::optional<std::int64_t> SqliteRepository::FindInboundMessage(
    std::string_view inbox_id, std::string_view provider_message_id) {
  auto row = db_.Prepare(kFindInbound);
  row.Bind(1, inbox_id).Bind(2, provider_message_id);
  if (!row.Step()) {
    return std::nullopt;
  }
  return row.Int(0);
}

std::optional<core::Message> SqliteRepository::FindOutboundMessage(
    std::string_view inbox_id, std::string_view provider_message_id) {
  auto row = db_.Prepare(kFindOutbound);
  row.Bind(1, inbox_id).Bind(2, provider_message_id);
  if (!row.Step()) {
    return std::nullopt;
  }
  return ReadMessage(row);
}

std::optional<core::Message> SqliteRepository::GetMessage(std::int64_t message_id) {
  auto row = db_.Prepare(kGetMessage);
  row.Bind(1, message_id);
  if (!row.Step()) {
    return std::nullopt;
  }
  return ReadMessage(row);
}

void SqliteRepository::InsertMessage(core::Message& message) {
  auto statement = db_.Prepare(kInsertMessage);
  statement.Bind(1, message.conversation_id)
      .Bind(2, message.inbox_id)
      .Bind(3, core::ToString(message.direction))
      .Bind(4, core::ToString(message.sender))
      .Bind(5, message.agent_id)
      .Bind(6, message.text)
      .Bind(7, MediaToJson(message.media));
  if (message.provider_message_id.empty()) {
    statement.BindNull(8);
  } else {
    statement.Bind(8, message.provider_message_id);
  }
  statement.Bind(9, message.client_message_id)
      .Bind(10, core::ToString(message.status))
      .Bind(11, message.error_code)
      .Bind(12, message.error_message)
      .Bind(13, message.encoding)
      .Bind(14, message.segments)
      .Bind(15, message.intent)
      .Bind(16, message.intent_confidence)
      .Bind(17, ToMillis(message.created_at))
      .Bind(18, ToMillis(message.updated_at));
  statement.Run();
  message.id = db_.LastInsertId();
  if (!message.options.empty()) {
    db_.Prepare(kInsertMessageOptions).Bind(1, message.id).Bind(2, OptionsToJson(message.options)).Run();
  }
}

void SqliteRepository::UpdateMessageDelivery(const core::Message& message) {
  auto statement = db_.Prepare(kUpdateDelivery);
  statement.Bind(1, message.id);
  if (message.provider_message_id.empty()) {
    statement.BindNull(2);
  } else {
    statement.Bind(2, message.provider_message_id);
  }
  statement.Bind(3, core::ToString(message.status))
      .Bind(4, message.error_code)
      .Bind(5, message.error_message)
      .Bind(6, ToMillis(message.updated_at))
      .Run();
}

std::vector<core::Message> SqliteRepository::ListMessages(std::int64_t conversation_id,
                                                          std::int64_t after_id, int limit) {
  auto row = db_.Prepare(kListMessages);
  row.Bind(1, conversation_id).Bind(2, after_id).Bind(3, limit);
  std::vector<core::Message> messages;
  while (row.Step()) {
    messages.push_back(ReadMessage(row));
  }
  return messages;
}

std::optional<core::TimePoint> SqliteRepository::LastInboundAt(std::int64_t contact_id,
                                                               std::string_view inbox_id) {
  auto row = db_.Prepare(kLastInbound);
  row.Bind(1, contact_id).Bind(2, inbox_id);
  if (!row.Step() || row.IsNull(0)) {
    return std::nullopt;
  }
  return FromMillis(row.Int(0));
}

void SqliteRepository::AppendEvent(const core::Event& event) {
  db_.Prepare(kAppendEvent)
      .Bind(1, event.type)
      .Bind(2, event.conversation_id)
      .Bind(3, event.contact_id)
      .Bind(4, event.message_id)
      .Bind(5, event.agent_id)
      .Bind(6, event.inbox_id)
      .Bind(7, event.data_json)
      .Bind(8, ToMillis(event.occurred_at))
      .Run();
}

std::vector<core::Event> SqliteRepository::ListEvents(std::int64_t after_id, int limit) {
  auto row = db_.Prepare(kListEvents);
  row.Bind(1, after_id).Bind(2, limit);
  std::vector<core::Event> events;
  while (row.Step()) {
    core::Event event;
    event.id = row.Int(0);
    event.type = row.Text(1);
    event.conversation_id = row.OptionalInt(2);
    event.contact_id = row.OptionalInt(3);
    event.message_id = row.OptionalInt(4);
    event.agent_id = row.OptionalInt(5);
    event.inbox_id = row.Text(6);
    event.data_json = row.Text(7);
    event.occurred_at = FromMillis(row.Int(8));
    events.push_back(std::move(event));
  }
  return events;
}

void SqliteRepository::SaveOrphanStatus(const core::StatusUpdate& update, core::TimePoint now) {
  db_.Prepare(kSaveOrphanStatus)
      .Bind(1, update.inbox_id)
      .Bind(2, update.provider_message_id)
      .Bind(3, core::ToString(update.status))
      .Bind(4, update.error_code)
      .Bind(5, update.error_message)
      .Bind(6, ToMillis(now))
      .Bind(7, update.callback_data)
      .Bind(8, update.recipient)
      .Run();
}

std::vector<core::StatusUpdate> SqliteRepository::TakeOrphanStatuses(
    std::string_view inbox_id, std::string_view provider_message_id) {
  std::vector<core::StatusUpdate> updates;
  {
    auto row = db_.Prepare(kSelectOrphanStatuses);
    row.Bind(1, inbox_id).Bind(2, provider_message_id);
    while (row.Step()) {
      core::StatusUpdate update;
      update.inbox_id = std::string(inbox_id);
      update.provider_message_id = std::string(provider_message_id);
      update.status = core::ParseDeliveryStatus(row.Text(0)).value_or(core::DeliveryStatus::kNone);
      update.error_code = row.Text(1);
      update.error_message = row.Text(2);
      update.callback_data = row.Text(3);
      update.recipient = row.Text(4);
      updates.push_back(std::move(update));
    }
  }
  if (!updates.empty()) {
    db_.Prepare(kDeleteOrphanStatuses).Bind(1, inbox_id).Bind(2, provider_message_id).Run();
  }
  return updates;
}

bool SqliteRepository::IsOptedOut(std::string_view inbox_id, std::string_view address) {
  auto row = db_.Prepare(kIsOptedOut);
  row.Bind(1, inbox_id).Bind(2, address);
  return row.Step() && row.Int(0) != 0;
}

void SqliteRepository::SetOptedOut(std::string_view inbox_id, std::string_view address,
                                   bool opted_out, core::TimePoint now) {
  db_.Prepare(kSetOptedOut)
      .Bind(1, inbox_id)
      .Bind(2, address)
      .Bind(3, opted_out ? 1 : 0)
      .Bind(4, ToMillis(now))
      .Run();
}

void SqliteRepository::EnqueueOutbox(core::OutboxEntry& entry) {
  auto statement = db_.Prepare(kEnqueueOutbox);
  statement.Bind(1, entry.message_id)
      .Bind(2, entry.conversation_id)
      .Bind(3, entry.inbox_id)
      .Bind(4, entry.recipient)
      .Bind(5, ToMillis(entry.due_at));
  if (entry.text.empty()) {
    statement.BindNull(6);
  } else {
    statement.Bind(6, entry.text);
  }
  statement.Run();
  entry.id = db_.LastInsertId();
  entry.state = "pending";
}

std::vector<core::OutboxEntry> SqliteRepository::ReadOutbox(Statement& row) {
  std::vector<core::OutboxEntry> entries;
  while (row.Step()) {
    core::OutboxEntry entry;
    entry.id = row.Int(0);
    entry.message_id = row.Int(1);
    entry.conversation_id = row.Int(2);
    entry.inbox_id = row.Text(3);
    entry.recipient = row.Text(4);
    entry.text = row.Text(5);
    entry.media = MediaFromJson(row.Text(6));
    entry.attempts = static_cast<int>(row.Int(7));
    entry.due_at = FromMillis(row.Int(8));
    entry.claimed_at = FromMillis(row.Int(9));
    entry.state = row.Text(10);
    entry.sender = core::ParseSenderKind(row.Text(11)).value_or(core::SenderKind::kBot);
    if (!row.IsNull(12)) {
      entry.options = OptionsFromJson(row.Text(12));
    }
    entries.push_back(std::move(entry));
  }
  return entries;
}

std::vector<core::OutboxEntry> SqliteRepository::ClaimDueOutbox(core::TimePoint now, int limit) {
  std::vector<core::OutboxEntry> entries;
  {
    auto row = db_.Prepare(kSelectDueOutbox);
    row.Bind(1, ToMillis(now)).Bind(2, limit);
    entries = ReadOutbox(row);
  }
  for (auto& entry : entries) {
    db_.Prepare(kMarkSending).Bind(1, entry.id).Bind(2, ToMillis(now)).Run();
    entry.outcome_unknown = entry.state == "unknown";
    entry.attempts += 1;
    if (!entry.outcome_unknown) {
      entry.claimed_at = now;
    }
    entry.state = "sending";
  }
  return entries;
}

void SqliteRepository::UpdateOutbox(const core::OutboxEntry& entry, std::string_view last_error) {
  db_.Prepare(kUpdateOutbox)
      .Bind(1, entry.id)
      .Bind(2, entry.state)
      .Bind(3, entry.attempts)
      .Bind(4, ToMillis(entry.due_at))
      .Bind(5, last_error)
      .Run();
}

std::vector<core::OutboxEntry> SqliteRepository::RecoverInterruptedOutbox() {
  db_.Prepare(kMarkInterrupted).Run();
  return ListUnknownOutbox(1000000);
}

std::vector<core::OutboxEntry> SqliteRepository::ListUnknownOutbox(int limit) {
  auto row = db_.Prepare(kListOutboxInState);
  row.Bind(1, "unknown").Bind(2, limit);
  return ReadOutbox(row);
}

std::int64_t SqliteRepository::CountOutbox(std::string_view state) {
  auto row = db_.Prepare(kCountOutbox);
  row.Bind(1, state);
  return row.Step() ? row.Int(0) : 0;
}

std::optional<core::TimePoint> SqliteRepository::NextOutboxDue() {
  auto row = db_.Prepare(kNextOutboxDue);
  if (!row.Step() || row.IsNull(0)) {
    return std::nullopt;
  }
  return FromMillis(row.Int(0));
}

void SqliteRepository::UpsertAgent(core::Agent& agent) {
  auto row = db_.Prepare(kUpsertAgent);
  row.Bind(1, agent.login)
      .Bind(2, agent.name)
      .Bind(3, agent.role)
      .Bind(4, agent.password_hash)
      .Bind(5, agent.active ? 1 : 0);
  if (!row.Step()) {
    throw std::runtime_error("agent upsert returned no id login=" + agent.login);
  }
  agent.id = row.Int(0);
  row.Run();
}

std::optional<core::Agent> SqliteRepository::FindAgentByLogin(std::string_view login) {
  auto row = db_.Prepare(kFindAgentByLogin);
  row.Bind(1, login);
  if (!row.Step()) {
    return std::nullopt;
  }
  return ReadAgent(row);
}

std::optional<core::Agent> SqliteRepository::GetAgent(std::int64_t agent_id) {
  auto row = db_.Prepare(kGetAgent);
  row.Bind(1, agent_id);
  if (!row.Step()) {
    return std::nullopt;
  }
  return ReadAgent(row);
}

std::vector<core::Agent> SqliteRepository::ListAgents() {
  auto row = db_.Prepare(kListAgents);
  std::vector<core::Agent> agents;
  while (row.Step()) {
    agents.push_back(ReadAgent(row));
  }
  return agents;
}

void SqliteRepository::InsertAccessToken(std::string_view token_hash, std::int64_t agent_id,
                                         core::TimePoint expires_at) {
  db_.Prepare(kInsertToken).Bind(1, token_hash).Bind(2, agent_id).Bind(3, ToMillis(expires_at)).Run();
}

std::optional<std::int64_t> SqliteRepository::FindAccessToken(std::string_view token_hash,
                                                              core::TimePoint now) {
  auto row = db_.Prepare(kFindToken);
  row.Bind(1, token_hash).Bind(2, ToMillis(now));
  if (!row.Step()) {
    return std::nullopt;
  }
  return row.Int(0);
}

bool SqliteRepository::RevokeAccessToken(std::string_view token_hash) {
  db_.Prepare(kRevokeToken).Bind(1, token_hash).Run();
  return db_.Changes() > 0;
}

int SqliteRepository::CountAssigned(std::int64_t agent_id) {
  auto row = db_.Prepare(kCountAssigned);
  row.Bind(1, agent_id);
  return row.Step() ? static_cast<int>(row.Int(0)) : 0;
}

void SqliteRepository::InsertWebchatSession(const core::WebchatSession& session) {
  db_.Prepare(kInsertWebchatSession)
      .Bind(1, session.token_hash)
      .Bind(2, session.inbox_id)
      .Bind(3, session.visitor_id)
      .Bind(4, session.contact_id)
      .Bind(5, ToMillis(session.created_at))
      .Bind(6, ToMillis(session.expires_at))
      .Run();
}

std::optional<core::WebchatSession> SqliteRepository::FindWebchatSession(
    std::string_view token_hash, core::TimePoint now) {
  auto row = db_.Prepare(kFindWebchatSession);
  row.Bind(1, token_hash).Bind(2, ToMillis(now));
  if (!row.Step()) {
    return std::nullopt;
  }
  return core::WebchatSession{row.Text(0), row.Text(1), row.Text(2), row.Int(3),
                              FromMillis(row.Int(4)), FromMillis(row.Int(5))};
}

}  // namespace mobilelink::store
