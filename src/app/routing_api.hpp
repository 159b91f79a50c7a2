#pragma once

#include "mobilelink/app/context.hpp"
#include "mobilelink/http/types.hpp"

namespace mobilelink::app {

/// Registers the routing API under /api/v1 (docs/openapi.yaml): queues, agent states and
/// presence, claim, accept, assign, transfer, escalate and priority.
void AddRoutingApiRoutes(http::Router& router, AppContext& context);

}  // namespace mobilelink::app
