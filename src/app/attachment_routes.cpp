#include "mobilelink/app/attachment_routes.hpp"

#include <chrono>

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include "mobilelink/app/agent_api_internal.hpp"
#include "mobilelink/app/session_auth.hpp"
#include "mobilelink/attachments/attachment.hpp"
#include "mobilelink/common/log.hpp"
#include "mobilelink/core/card_redactor.hpp"
#include "mobilelink/events/event_types.hpp"
#include "mobilelink/security/credentials.hpp"

namespace mobilelink::app {

namespace json = boost::json;

namespace {

using attachments::Attachment;

// The server reads bodies up to 1 MiB over the attachment limit, so a file slightly too large
// gets the attachment error that names the limit. Larger bodies are rejected with the server's
// generic 413 as soon as their Content-Length arrives.
constexpr std::size_t kUploadBodyLimitBytes = attachments::kMaxAttachmentBytes + 1024 * 1024;

// Finds the unexpired web chat session of the request's bearer token.
std::optional<core::WebchatSession> VisitorSession(AppContext& context,
                                                   const http::HttpRequest& request) {
  const auto credential = ReadCredential(request);
  const auto* bearer = std::get_if<RequestCredential>(&credential);
  if (bearer == nullptr || bearer->from_cookie || bearer->token.empty()) {
    return std::nullopt;
  }
  std::optional<core::WebchatSession> session;
  context.store->Read([&](core::Repository& repository) {
    session = repository.FindWebchatSession(security::HashToken(bearer->token),
                                            context.clock->Now());
  });
  return session;
}

http::HttpResponse SessionRequired() {
  auto response = FieldError(401, "session_required", "Authorization",
                             "send the chat's session token as 'Authorization: Bearer <token>'");
  response.headers.Set("WWW-Authenticate", "Bearer");
  return response;
}

http::HttpResponse AttachmentNotFound(const std::string& id) {
  return FieldError(404, "attachment_not_found", "id",
                    "attachment '" + id + "' does not exist or is not visible to you");
}

json::object AttachmentJson(const Attachment& attachment) {
  return {{"id", attachment.id},
          {"file_name", attachment.file_name},
          {"content_type", attachment.content_type},
          {"size_bytes", attachment.size_bytes},
          {"url", attachments::DownloadPath(attachment.id)}};
}

void AppendUploaded(core::Repository& repository, const Attachment& attachment) {
  core::Event event;
  event.type = std::string(events::kAttachmentUploaded);
  event.contact_id = attachment.contact_id;
  event.inbox_id = attachment.inbox_id;
  event.data_json = json::serialize(json::object{{"attachment_id", attachment.id},
                                                 {"content_type", attachment.content_type},
                                                 {"size_bytes", attachment.size_bytes},
                                                 {"sha256", attachment.sha256}});
  event.occurred_at = attachment.created_at;
  repository.AppendEvent(event);
}

constexpr int kMaxUnsentUploads = 5;
constexpr auto kUnsentLifetime = std::chrono::hours(24);

// A contact may keep at most kMaxUnsentUploads uploads that no message has sent, and such
// uploads are deleted kUnsentLifetime after their upload.
// NOTE: every new web chat session is a new contact, so this bounds one session, not one
// client: a client that opens many sessions can still store kMaxUnsentUploads files in each
// until they expire.
void Upload(AppContext& context, http::HttpRequest&& request, http::Responder respond) {
  const std::string inbox_id = request.path_params.at("inbox");
  const auto inbox = context.inboxes.find(inbox_id);
  if (inbox == context.inboxes.end() || inbox->second.channel != "webchat") {
    respond(FieldError(404, "inbox_not_found",
                       "inbox", "no web chat inbox '" + inbox_id + "' is configured"));
    return;
  }
  const auto session = VisitorSession(context, request);
  if (!session || session->inbox_id != inbox_id) {
    respond(SessionRequired());
    return;
  }
  auto checked =
      attachments::CheckUpload(request.body, request.headers.Get("Content-Type").value_or(""));
  if (const auto* problem = std::get_if<attachments::UploadProblem>(&checked)) {
    respond(FieldError(problem->status, problem->code, problem->field, problem->message));
    return;
  }

  auto attachment = std::make_shared<Attachment>();
  attachment->id = "att_" + security::NewToken().substr(0, 22);
  attachment->inbox_id = inbox_id;
  attachment->contact_id = session->contact_id;
  attachment->file_name = core::MaskCardNumbers(
      attachments::CleanFileName(request.QueryParam("name").value_or("")));
  attachment->content_type = std::get<std::string>(checked);
  attachment->size_bytes = static_cast<std::int64_t>(request.body.size());
  attachment->sha256 = security::HashToken(request.body);
  attachment->created_at = context.clock->Now();
  auto content = std::make_shared<std::string>(std::move(request.body));
  auto over_limit = std::make_shared<bool>(false);
  context.store->Write(
      [attachment, content, over_limit](core::Repository& repository) {
        auto port = attachments::OpenAttachmentRepository(repository);
        port->DeleteUnsentBefore(attachment->created_at - kUnsentLifetime);
        if (port->CountUnsentSince(attachment->contact_id,
                                   attachment->created_at - kUnsentLifetime) >= kMaxUnsentUploads) {
          *over_limit = true;
          return;
        }
        port->Insert(*attachment, *content);
        AppendUploaded(repository, *attachment);
      },
      [attachment, respond, over_limit](const store::WriteResult& result) {
        if (result.ok && *over_limit) {
          Logger("http")->warn("attachment rejected: too many unsent uploads contact_id={}",
                               attachment->contact_id);
          respond(FieldError(429, "too_many_uploads", "",
                             "this chat already has " + std::to_string(kMaxUnsentUploads) +
                                 " uploaded files that no message has sent; send them or wait "
                                 "until they expire after 24 hours"));
          return;
        }
        if (!result.ok) {
          Logger("http")->error("attachment not stored inbox_id={} error=\"{}\"",
                                attachment->inbox_id, result.error);
          respond(FieldError(503, "store_unavailable", "",
                             "the attachment was not stored; upload it again"));
          return;
        }
        respond(http::HttpResponse::Json(201, json::serialize(AttachmentJson(*attachment))));
      });
}

// Builds the download response. The type is the sniffed one and the headers keep a browser
// from running the file as a page: nosniff, a sandboxing CSP and a download disposition for
// anything but images.
http::HttpResponse FileResponse(const Attachment& attachment, std::string content) {
  http::HttpResponse response(200);
  response.headers.Set("Content-Type", attachment.content_type);
  response.headers.Set("Content-Disposition",
                       attachments::ContentDisposition(attachment.file_name,
                                                       attachment.content_type));
  response.headers.Set("X-Content-Type-Options", "nosniff");
  response.headers.Set("Content-Security-Policy", "default-src 'none'; sandbox");
  response.headers.Set("Cross-Origin-Resource-Policy", "same-origin");
  response.headers.Set("Cache-Control", "private, no-store");
  response.body = std::move(content);
  return response;
}

struct Found {
  std::optional<Attachment> attachment;
  std::optional<core::Conversation> conversation;
  std::string content;
};

Found Load(AppContext& context, const std::string& id) {
  Found found;
  context.store->Read([&](core::Repository& repository) {
    auto port = attachments::OpenAttachmentRepository(repository);
    found.attachment = port->Find(id);
    if (!found.attachment) {
      return;
    }
    if (found.attachment->conversation_id) {
      found.conversation = repository.GetConversation(*found.attachment->conversation_id);
    }
    found.content = port->ReadContent(id).value_or("");
  });
  return found;
}

void DownloadForAgent(AppContext& context, const agent_api::Caller& caller, const std::string& id,
                      http::Responder respond) {
  Found found = Load(context, id);
  // An attachment that no message refers to yet belongs to no conversation an agent can see.
  if (!found.attachment || !found.conversation) {
    respond(AttachmentNotFound(id));
    return;
  }
  if (!agent_api::MayView(caller, *found.conversation)) {
    respond(FieldError(403, "forbidden", "id",
                       "the attachment belongs to conversation " +
                           std::to_string(found.conversation->id) +
                           ", which is neither in the queue nor assigned to you"));
    return;
  }
  const std::int64_t conversation_id = found.conversation->id;
  agent_api::RespondAfterReadAudit(context, caller, "attachment.read", conversation_id,
                                   FileResponse(*found.attachment, std::move(found.content)),
                                   std::move(respond));
}

void Download(AppContext& context, http::HttpRequest&& request, http::Responder respond) {
  const std::string id = request.path_params.at("id");
  auto authenticated = agent_api::AuthenticateRequest(context, request);
  if (auto* rejection = std::get_if<http::HttpResponse>(&authenticated)) {
    respond(std::move(*rejection));
    return;
  }
  if (const auto& caller = std::get<std::optional<agent_api::Caller>>(authenticated)) {
    DownloadForAgent(context, *caller, id, std::move(respond));
    return;
  }
  const auto session = VisitorSession(context, request);
  if (!session) {
    respond(SessionRequired());
    return;
  }
  Found found = Load(context, id);
  // Another visitor gets the same response as for a missing id, so ids cannot be probed.
  if (!found.attachment || found.attachment->contact_id != session->contact_id ||
      found.attachment->inbox_id != session->inbox_id) {
    respond(AttachmentNotFound(id));
    return;
  }
  respond(FileResponse(*found.attachment, std::move(found.content)));
}

}  // namespace

void AddAttachmentRoutes(http::Router& router, AppContext& context) {
  router.Add(
      "POST", "/webchat/{inbox}/attachments",
      [&context](http::HttpRequest&& request, http::Responder respond) {
        Upload(context, std::move(request), std::move(respond));
      },
      http::RouteLimits{.max_body_bytes = kUploadBodyLimitBytes});
  router.Add("GET", "/api/v1/attachments/{id}",
             [&context](http::HttpRequest&& request, http::Responder respond) {
               Download(context, std::move(request), std::move(respond));
             });
}

}  // namespace mobilelink::app
