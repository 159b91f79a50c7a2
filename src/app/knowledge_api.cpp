#include "mobilelink/app/knowledge_api.hpp"

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include "mobilelink/app/agent_api_internal.hpp"
#include "mobilelink/common/log.hpp"
#include "mobilelink/store/sqlite_repository.hpp"

namespace mobilelink::app {

namespace json = boost::json;

namespace {

constexpr std::size_t kSuggestionCount = 3;
// Customer messages searched back from the newest for one with text.
constexpr int kRecentMessages = 200;

json::object ArticleJson(const bot::ArticleHit& article, core::TimePoint now) {
  json::array tags;
  for (const auto& tag : article.tags) {
    tags.push_back(json::value(tag));
  }
  return json::object{{"id", article.id},
                      {"slug", article.slug},
                      {"title", article.title},
                      {"tags", tags},
                      {"locale", article.locale},
                      {"body", article.body},
                      {"updated_at", store::ToMillis(article.updated_at)},
                      {"stale", bot::IsStale(article, now)}};
}

json::object ReportJson(const bot::ImportReport& report) {
  json::array errors;
  for (const auto& error : report.errors) {
    errors.push_back(json::value(error));
  }
  return json::object{{"added", report.added},
                      {"updated", report.updated},
                      {"removed", report.removed},
                      {"unchanged", report.unchanged},
                      {"errors", errors}};
}

http::HttpResponse ListArticles(AppContext& context, const http::HttpRequest& request) {
  const auto stale_filter = request.QueryParam("stale");
  if (stale_filter && *stale_filter != "true" && *stale_filter != "false") {
    return FieldError(400, "invalid_stale", "stale", "stale must be true or false");
  }
  const auto now = context.clock->Now();
  json::array items;
  context.store->Read([&](core::Repository& unit) {
    for (const auto& article : bot::OpenKnowledgeRepository(unit)->List()) {
      if (stale_filter && (*stale_filter == "true") != bot::IsStale(article, now)) {
        continue;
      }
      items.push_back(ArticleJson(article, now));
    }
  });
  return http::HttpResponse::Json(200, json::serialize(json::object{{"articles", items}}));
}

// Returns the text of the conversation's newest inbound message that has text.
std::optional<std::string> LatestCustomerText(core::Repository& unit,
                                              std::int64_t conversation_id) {
  std::optional<std::string> latest;
  std::int64_t after = 0;
  // Messages come oldest first, so page through and keep the last one with text.
  while (true) {
    const auto page = unit.ListMessages(conversation_id, after, kRecentMessages);
    for (const auto& message : page) {
      if (message.direction == core::Direction::kInbound && !message.text.empty()) {
        latest = message.text;
      }
    }
    if (static_cast<int>(page.size()) < kRecentMessages) {
      return latest;
    }
    after = page.back().id;
  }
}

http::HttpResponse Suggestions(AppContext& context, const agent_api::Caller& caller,
                               std::int64_t conversation_id) {
  std::optional<core::Conversation> conversation;
  std::optional<std::string> query;
  std::vector<bot::ArticleHit> hits;
  context.store->Read([&](core::Repository& unit) {
    conversation = unit.GetConversation(conversation_id);
    if (!conversation) {
      return;
    }
    query = LatestCustomerText(unit, conversation_id);
    if (query) {
      hits = bot::OpenKnowledgeRepository(unit)->Search(*query, kSuggestionCount);
    }
  });
  if (!conversation) {
    return http::HttpResponse::Error(
        404, "conversation_not_found",
        "conversation " + std::to_string(conversation_id) + " not found", "id");
  }
  // The response carries the customer's newest message, so it follows the transcript's rule.
  if (!agent_api::MayView(caller, *conversation)) {
    return agent_api::NotVisible(conversation_id);
  }
  const auto now = context.clock->Now();
  json::array items;
  for (const auto& hit : hits) {
    auto item = ArticleJson(hit, now);
    item["score"] = hit.score;
    items.push_back(std::move(item));
  }
  return http::HttpResponse::Json(
      200, json::serialize(json::object{{"conversation_id", conversation_id},
                                        {"query", query ? json::value(*query) : nullptr},
                                        {"suggestions", items}}));
}

}  // namespace

bot::ImportReport ImportKnowledgeBase(store::Store& store, const bot::BotConfig& config,
                                      core::TimePoint now) {
  std::vector<std::string> folder_errors;
  auto sources = bot::ConfigArticles(config.articles);
  if (!config.knowledge_base_dir.empty()) {
    auto files = bot::ReadArticleFolder(config.knowledge_base_dir, folder_errors);
    sources.insert(sources.end(), std::make_move_iterator(files.begin()),
                   std::make_move_iterator(files.end()));
  }
  bot::ImportReport report;
  const auto result = store.WriteAndWait(
      [&](core::Repository& unit) { report = bot::SyncArticles(unit, sources, now); });
  if (!result.ok) {
    throw std::runtime_error("knowledge base import failed: " + result.error);
  }
  report.errors.insert(report.errors.begin(), folder_errors.begin(), folder_errors.end());
  for (const auto& error : report.errors) {
    Logger("bot")->warn("article skipped error=\"{}\"", error);
  }
  Logger("bot")->info("knowledge base imported added={} updated={} removed={} unchanged={}",
                      report.added, report.updated, report.removed, report.unchanged);
  return report;
}

void AddKnowledgeApiRoutes(http::Router& router, AppContext& context) {
  auto guarded = [&context](auto handler) {
    return [&context, handler](http::HttpRequest&& request, http::Responder respond) {
      const auto caller = agent_api::Authenticate(context, request);
      if (!caller) {
        respond(agent_api::Unauthorized());
        return;
      }
      handler(request, *caller, std::move(respond));
    };
  };

  router.Add(
      "GET", "/api/v1/articles",
      guarded([&context](http::HttpRequest& request, const agent_api::Caller&,
                         http::Responder respond) { respond(ListArticles(context, request)); }));

  // The import reads files and takes the writer, so it runs on the login pool's threads
  // instead of an HTTP thread.
  router.Add(
      "POST", "/api/v1/articles/import",
      guarded(
          [&context](http::HttpRequest&, const agent_api::Caller& caller, http::Responder respond) {
            if (!caller.IsSupervisor()) {
              respond(http::HttpResponse::Error(403, "forbidden",
                                                "importing articles needs the supervisor role"));
              return;
            }
            auto task = [&context, respond] {
              try {
                const auto report =
                    ImportKnowledgeBase(*context.store, context.config->bot, context.clock->Now());
                respond(http::HttpResponse::Json(200, json::serialize(ReportJson(report))));
              } catch (const std::exception& error) {
                Logger("bot")->error("knowledge base import failed error=\"{}\"", error.what());
                respond(http::HttpResponse::Error(503, "store_unavailable", "retry the import"));
              }
            };
            if (!context.login_pool->TryPost(std::move(task))) {
              auto response = http::HttpResponse::Error(503, "busy", "the server is busy; retry");
              response.headers.Set("Retry-After", "1");
              respond(std::move(response));
            }
          }));

  router.Add("GET", "/api/v1/conversations/{id}/suggestions",
             guarded([&context](http::HttpRequest& request, const agent_api::Caller& caller,
                                http::Responder respond) {
               const std::string& id = request.path_params["id"];
               if (id.empty() || id.size() > 18 ||
                   id.find_first_not_of("0123456789") != std::string::npos) {
                 respond(FieldError(400, "invalid_id", "id",
                                    "conversation id must be a positive integer"));
                 return;
               }
               respond(Suggestions(context, caller, std::stoll(id)));
             }));
}

}  // namespace mobilelink::app
