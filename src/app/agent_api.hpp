#pragma once

#include "mobilelink/app/context.hpp"
#include "mobilelink/http/types.hpp"

namespace mobilelink::app {

/// Registers POST /oauth/token and the agent REST API under /api/v1 (docs/openapi.yaml).
void AddAgentApiRoutes(http::Router& router, AppContext& context);

}  // namespace mobilelink::app
