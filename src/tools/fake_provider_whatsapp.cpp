// The fake WhatsApp Cloud API send endpoint and its statuses webhooks.

#include <boost/json.hpp>

#include "mobilelink/channels/whatsapp/signature.hpp"
#include "mobilelink/common/log.hpp"
#include "mobilelink/tools/fake_provider_impl.hpp"

namespace mobilelink::tools {
namespace {

namespace json = boost::json;

// Returns Meta's error body. Meta labels most Graph API errors OAuthException, including
// parameter errors.
http::HttpResponse GraphError(int status, int code, const std::string& message,
                              const std::string& trace_id) {
  json::object error{
      {"message", message}, {"type", "OAuthException"}, {"code", code}, {"fbtrace_id", trace_id}};
  return http::HttpResponse::Json(status, json::serialize(json::object{{"error", error}}));
}

// Picks a Graph API error code for an injected failure status: 130429 is Meta's rate limit
// code, 131000 its generic failure, 190 an invalid token and 100 an invalid parameter.
int DefaultGraphCode(int status) {
  if (status == 429) {
    return 130429;
  }
  if (status == 401) {
    return 190;
  }
  return status >= 500 ? 131000 : 100;
}

// Flattens nested objects and arrays to dotted keys ("text.body", "components.0.type") with
// the scalars as text, so tests can read fields the same way for both providers.
void Flatten(const json::value& value, const std::string& prefix,
             std::vector<std::pair<std::string, std::string>>& fields) {
  const auto key = [&](std::string_view name) {
    return prefix.empty() ? std::string(name) : prefix + "." + std::string(name);
  };
  if (const auto* object = value.if_object()) {
    for (const auto& entry : *object) {
      Flatten(entry.value(), key(entry.key()), fields);
    }
  } else if (const auto* array = value.if_array()) {
    for (std::size_t i = 0; i < array->size(); ++i) {
      Flatten((*array)[i], key(std::to_string(i)), fields);
    }
  } else if (const auto* text = value.if_string()) {
    fields.emplace_back(prefix, std::string(*text));
  } else {
    fields.emplace_back(prefix, json::serialize(value));
  }
}

std::string DigitsOnly(std::string_view number) {
  std::string digits;
  for (const char c : number) {
    if (c >= '0' && c <= '9') {
      digits += c;
    }
  }
  return digits;
}

// Returns the parameter error for a send body, or nullopt when it is valid.
std::optional<std::string> ValidateSend(const json::object& body) {
  const auto* product = body.if_contains("messaging_product");
  if (product == nullptr || !product->is_string() || product->get_string() != "whatsapp") {
    return "(#100) The parameter messaging_product is required and must be \"whatsapp\".";
  }
  const auto* to = body.if_contains("to");
  if (to == nullptr || !to->is_string() || !IsE164("+" + DigitsOnly(to->get_string()))) {
    return "(#100) The parameter to is required and must be a phone number.";
  }
  const auto* type = body.if_contains("type");
  const std::string type_name =
      type != nullptr && type->is_string() ? std::string(type->get_string()) : std::string("text");
  const auto* content = body.if_contains(type_name);
  if (content == nullptr || !content->is_object()) {
    return "(#100) The parameter " + type_name + " is required.";
  }
  if (type_name == "text") {
    const auto* text = content->as_object().if_contains("body");
    if (text == nullptr || !text->is_string() || text->get_string().empty()) {
      return "(#100) The parameter text['body'] is required.";
    }
  }
  return std::nullopt;
}

}  // namespace

void FakeProvider::Impl::AddWhatsAppRoutes(http::Router& router) {
  router.Add("POST", "/{version}/{phone_number_id}/messages",
             [this](http::HttpRequest&& request, http::Responder done) {
               HandleWhatsAppSend(std::move(request), done);
             });
}

void FakeProvider::Impl::HandleWhatsAppSend(http::HttpRequest&& request,
                                            const http::Responder& responder) {
  const FakeBehaviour behaviour = Behaviour();
  const std::string phone_number_id = request.path_params["phone_number_id"];
  const std::string trace_id = "A" + RandomHex(22);
  RecordedSend record;
  record.provider = "whatsapp";
  record.method = request.method;
  record.path = request.path;
  record.headers = request.headers.Lines();
  record.body = request.body;
  record.from = phone_number_id;
  record.received_at = std::chrono::system_clock::now();
  boost::system::error_code ec;
  const auto body = json::parse(request.body, ec);
  if (!ec) {
    Flatten(body, "", record.fields);
    const auto to = DigitsOnly(record.Field("to").value_or(""));
    record.to = to.empty() ? "" : "+" + to;
    record.text = record.Field("text.body").value_or("");
  }

  std::optional<http::HttpResponse> error;
  const auto authorization = request.headers.Get("Authorization").value_or("");
  const auto* inbox = config_.FindWhatsAppInbox(phone_number_id);
  const std::string expected_token = inbox != nullptr ? inbox->Get("access_token") : "";
  if (!authorization.starts_with("Bearer ") || authorization.size() == 7 ||
      (!expected_token.empty() && authorization.substr(7) != expected_token)) {
    error =
        GraphError(401, 190, "Invalid OAuth access token - Cannot parse access token", trace_id);
  } else if (const auto failure = TakeFailure()) {
    const int code =
        failure->fail_code != 0 ? failure->fail_code : DefaultGraphCode(failure->fail_status);
    error =
        GraphError(failure->fail_status, code, "Injected failure from the fake provider", trace_id);
    if (failure->retry_after_s > 0) {
      error->headers.Set("Retry-After", std::to_string(failure->retry_after_s));
    }
  } else if (ec || !body.is_object()) {
    error = GraphError(400, 100, "(#100) The request body is not a JSON object.", trace_id);
  } else if (const auto invalid = ValidateSend(body.as_object())) {
    error = GraphError(400, 100, *invalid, trace_id);
  }
  if (error) {
    record.http_status = error->status;
    Record(std::move(record));
    Answer(responder, std::move(*error), behaviour.delay);
    return;
  }

  // A read receipt for an inbound message uses the same endpoint and sends no statuses.
  if (record.Field("status") == "read") {
    record.http_status = 200;
    Record(std::move(record));
    Answer(responder, http::HttpResponse::Json(200, R"({"success":true})"), behaviour.delay);
    return;
  }
  record.message_id = "wamid." + RandomHex(48);
  record.delivery_status = "accepted";
  record.http_status = 200;
  record.seq = Record(record);
  const std::string wa_id = record.to.substr(1);
  json::object answer{
      {"messaging_product", "whatsapp"},
      {"contacts",
       json::array{json::object{{"input", record.Field("to").value_or("")}, {"wa_id", wa_id}}}},
      {"messages",
       json::array{json::object{{"id", record.message_id}, {"message_status", "accepted"}}}}};
  Answer(responder, http::HttpResponse::Json(200, json::serialize(answer)), behaviour.delay);
  QueueWhatsAppCallbacks(record, behaviour);
}

void FakeProvider::Impl::QueueWhatsAppCallbacks(const RecordedSend& record,
                                                const FakeBehaviour& behaviour) {
  const auto* inbox = config_.FindWhatsAppInbox(record.from);
  if (inbox == nullptr || config_.public_url.empty()) {
    Logger("tools")->warn(
        "status webhooks skipped: config has no whatsapp inbox for phone_number_id or no "
        "server.public_url message_id={} phone_number_id={}",
        record.message_id, record.from);
    return;
  }
  const std::string url = config_.public_url + "/webhooks/whatsapp/" + inbox->id;
  const std::string app_secret = inbox->Get("app_secret");
  const std::string display_number = inbox->Get("display_phone_number");
  // Meta echoes the send's biz_opaque_callback_data in every status of the message.
  const auto callback_data = record.Field("biz_opaque_callback_data");
  auto make_job = [record, url, app_secret, display_number,
                   callback_data](const std::string& status) {
    const auto now = std::chrono::system_clock::now();
    const auto seconds =
        std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
    json::object item{{"id", record.message_id},
                      {"status", status},
                      {"timestamp", std::to_string(seconds)},
                      {"recipient_id", record.to.substr(1)}};
    if (callback_data) {
      item["biz_opaque_callback_data"] = *callback_data;
    }
    json::object value{
        {"messaging_product", "whatsapp"},
        {"metadata", json::object{{"display_phone_number",
                                   display_number.empty() ? record.from : display_number},
                                  {"phone_number_id", record.from}}},
        {"statuses", json::array{item}}};
    json::object change{{"field", "messages"}, {"value", value}};
    json::object entry{{"id", record.from}, {"changes", json::array{change}}};
    json::object payload{{"object", "whatsapp_business_account"}, {"entry", json::array{entry}}};
    auto job = std::make_shared<CallbackJob>();
    job->url = url;
    job->body = json::serialize(payload);
    job->headers.Set("Content-Type", "application/json");
    job->headers.Set("X-Hub-Signature-256",
                     channels::whatsapp::ComputeSignature(app_secret, job->body));
    job->description = "whatsapp " + record.message_id + " " + status;
    job->seq = record.seq;
    job->delivery_status = status;
    return job;
  };
  auto sent = make_job("sent");
  auto delivered = make_job("delivered");
  const auto delay = behaviour.callback_delay;
  sent->then = [this, delivered, delay] { PostCallback(delivered, 1, delay); };
  if (!behaviour.callbacks) {
    std::lock_guard lock(mutex_);
    held_callbacks_.push_back(std::move(sent));
    return;
  }
  PostCallback(sent, 1, delay);
}

}  // namespace mobilelink::tools
