#pragma once

#include "mobilelink/app/context.hpp"
#include "mobilelink/bot/knowledge.hpp"
#include "mobilelink/http/types.hpp"

namespace mobilelink::app {

/// Imports the config's articles and the Markdown files of bot.knowledge_base_dir into the
/// store in one unit of work (bot::SyncArticles). Throws std::runtime_error when the unit fails.
bot::ImportReport ImportKnowledgeBase(store::Store& store, const bot::BotConfig& config,
                                      core::TimePoint now);

/// Registers the knowledge-base routes of the agent API (docs/openapi.yaml):
/// GET /api/v1/articles, POST /api/v1/articles/import and
/// GET /api/v1/conversations/{id}/suggestions.
void AddKnowledgeApiRoutes(http::Router& router, AppContext& context);

}  // namespace mobilelink::app
