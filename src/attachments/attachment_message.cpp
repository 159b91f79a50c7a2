#include <stdexcept>

#include <boost/json.hpp>

#include "mobilelink/attachments/attachment.hpp"
#include "mobilelink/events/event_types.hpp"

namespace mobilelink::attachments {

namespace json = boost::json;

core::InboundOutcome ReceiveWithAttachment(core::Repository& repository,
                                           const core::ConversationService& service,
                                           core::InboundMessage inbound,
                                           const std::string& attachment_id,
                                           std::int64_t contact_id, core::TimePoint now,
                                           std::string& rejection) {
  auto port = OpenAttachmentRepository(repository);
  const auto attachment = port->Find(attachment_id);
  if (!attachment || attachment->contact_id != contact_id ||
      attachment->inbox_id != inbound.inbox_id) {
    rejection = "attachment '" + attachment_id +
                "' is not an upload of this chat; upload the file first and send the id returned";
    throw std::runtime_error(rejection);
  }
  inbound.media.push_back({DownloadPath(attachment->id), attachment->content_type,
                           attachment->file_name});
  auto outcome = service.ReceiveInbound(repository, inbound);
  if (outcome.duplicate) {
    return outcome;
  }
  if (attachment->message_id) {
    rejection = "attachment '" + attachment_id +
                "' was already sent with another message; upload the file again to resend it";
    throw std::runtime_error(rejection);
  }
  port->LinkMessage(attachment->id, outcome.conversation_id, outcome.message_id);
  core::Event event;
  event.type = std::string(events::kAttachmentSent);
  event.conversation_id = outcome.conversation_id;
  event.contact_id = contact_id;
  event.message_id = outcome.message_id;
  event.inbox_id = inbound.inbox_id;
  event.data_json = json::serialize(json::object{{"attachment_id", attachment->id},
                                                 {"content_type", attachment->content_type},
                                                 {"size_bytes", attachment->size_bytes},
                                                 {"file_name", attachment->file_name}});
  event.occurred_at = now;
  repository.AppendEvent(event);
  return outcome;
}

}  // namespace mobilelink::attachments
