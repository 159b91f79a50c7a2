#include "mobilelink/app/customer_api.hpp"

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include "mobilelink/app/agent_api_internal.hpp"
#include "mobilelink/common/log.hpp"
#include "mobilelink/customers/customer_import.hpp"

namespace mobilelink::app {

namespace json = boost::json;

namespace {

// 4 MiB carries about 20,000 customer records; larger imports go through the CSV command.
constexpr std::size_t kMaxImportBodyBytes = 4 * 1024 * 1024;
constexpr int kShownTransactions = 10;

json::object ProfileJson(const customers::CustomerProfile& profile) {
  return {{"customer_id", profile.external_id},
          {"phone", profile.phone},
          {"name", profile.name},
          {"tier", profile.tier},
          {"address", profile.address},
          {"email", profile.email},
          {"balance", customers::FormatCents(profile.balance_cents)},
          {"currency", profile.currency},
          {"card_status", profile.card_status}};
}

json::object TransactionJson(const customers::Transaction& transaction) {
  return {{"id", transaction.external_id},
          {"kind", customers::ToString(transaction.kind)},
          {"status", transaction.status},
          {"amount", customers::FormatCents(transaction.amount_cents)},
          {"currency", transaction.currency},
          {"description", transaction.description},
          {"occurred_at", std::chrono::duration_cast<std::chrono::milliseconds>(
                              transaction.occurred_at.time_since_epoch())
                              .count()}};
}

http::HttpResponse ImportErrors(const std::vector<customers::ImportError>& errors) {
  json::array items;
  for (const auto& error : errors) {
    items.push_back(
        json::object{{"location", error.location}, {"field", error.field}, {"reason", error.reason}});
  }
  json::object body{{"error", json::object{{"code", "invalid_records"},
                                           {"message", "no record was imported; fix the listed "
                                                       "records and send the import again"}}},
                    {"errors", std::move(items)}};
  return http::HttpResponse::Json(422, json::serialize(body));
}

void Import(AppContext& context, const http::HttpRequest& request,
            const agent_api::Caller& caller, http::Responder respond) {
  if (caller.agent.role != "admin") {
    respond(http::HttpResponse::Error(403, "forbidden", "importing customers needs the admin role"));
    return;
  }
  if (request.headers.Get("Content-Type").value_or("").rfind("application/json", 0) != 0) {
    respond(FieldError(415, "unsupported_media_type", "Content-Type",
                       "send the body as application/json"));
    return;
  }
  auto parsed = std::make_shared<customers::ImportParse>(customers::ParseImportJson(request.body));
  if (!parsed->errors.empty()) {
    respond(ImportErrors(parsed->errors));
    return;
  }
  auto errors = std::make_shared<std::vector<customers::ImportError>>();
  const auto now = context.clock->Now();
  context.store->Write(
      [parsed, errors, now](core::Repository& repository) {
        auto customers_repository = customers::OpenCustomerRepository(repository);
        *errors = customers::ApplyImport(*customers_repository, parsed->batch, now);
      },
      [parsed, errors, respond, agent_id = caller.agent.id](const store::WriteResult& result) {
        if (!result.ok) {
          Logger("http")->error("customer import not stored agent_id={} error=\"{}\"", agent_id,
                                result.error);
          respond(http::HttpResponse::Error(503, "store_unavailable", "retry the request"));
          return;
        }
        if (!errors->empty()) {
          respond(ImportErrors(*errors));
          return;
        }
        Logger("http")->info("customers imported agent_id={} customers={} transactions={}",
                             agent_id, parsed->batch.profiles.size(),
                             parsed->batch.transactions.size());
        respond(http::HttpResponse::Json(
            200, json::serialize(json::object{
                     {"customers", parsed->batch.profiles.size()},
                     {"transactions", parsed->batch.transactions.size()}})));
      });
}

http::HttpResponse ShowCustomer(AppContext& context, std::int64_t conversation_id) {
  std::optional<core::Conversation> conversation;
  std::optional<customers::CustomerProfile> profile;
  std::vector<customers::Transaction> transactions;
  context.store->Read([&](core::Repository& repository) {
    conversation = repository.GetConversation(conversation_id);
    if (!conversation) {
      return;
    }
    auto customers_repository = customers::OpenCustomerRepository(repository);
    profile = customers_repository->FindForContact(conversation->contact_id);
    if (profile) {
      transactions = customers_repository->ListTransactions(profile->external_id, std::nullopt,
                                                            kShownTransactions);
    }
  });
  if (!conversation) {
    return http::HttpResponse::Error(404, "conversation_not_found", "no such conversation", "id");
  }
  json::object body{{"conversation_id", conversation_id}};
  if (!profile) {
    body["customer"] = nullptr;
    body["transactions"] = json::array();
    return http::HttpResponse::Json(200, json::serialize(body));
  }
  json::array items;
  for (const auto& transaction : transactions) {
    items.push_back(TransactionJson(transaction));
  }
  body["customer"] = ProfileJson(*profile);
  body["transactions"] = std::move(items);
  return http::HttpResponse::Json(200, json::serialize(body));
}

std::optional<std::int64_t> PositiveId(const std::string& text) {
  if (text.empty() || text.size() > 18 || text.find_first_not_of("0123456789") != std::string::npos) {
    return std::nullopt;
  }
  return std::stoll(text);
}

}  // namespace

void AddCustomerApiRoutes(http::Router& router, AppContext& context) {
  router.Add(
      "POST", "/api/v1/customers:import",
      [&context](http::HttpRequest&& request, http::Responder respond) {
        auto caller = agent_api::Authenticate(context, request);
        if (!caller) {
          respond(agent_api::Unauthorized());
          return;
        }
        Import(context, request, *caller, std::move(respond));
      },
      http::RouteLimits{kMaxImportBodyBytes});
  router.Add("GET", "/api/v1/conversations/{id}/customer",
             [&context](http::HttpRequest&& request, http::Responder respond) {
               const auto caller = agent_api::Authenticate(context, request);
               if (!caller) {
                 respond(agent_api::Unauthorized());
                 return;
               }
               const auto id = PositiveId(request.path_params["id"]);
               if (!id) {
                 respond(FieldError(400, "invalid_id", "id",
                                    "conversation id must be a positive integer"));
                 return;
               }
               std::optional<core::Conversation> conversation;
               context.store->Read([&](core::Repository& repository) {
                 conversation = repository.GetConversation(*id);
               });
               if (conversation && !agent_api::MayView(*caller, *conversation)) {
                 respond(agent_api::NotVisible(*id));
                 return;
               }
               // The profile is answered only after its read is in the audit log.
               agent_api::RespondAfterReadAudit(context, *caller, "customer.read", *id,
                                                ShowCustomer(context, *id), std::move(respond));
             });
}

}  // namespace mobilelink::app
