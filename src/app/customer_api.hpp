#pragma once

#include "mobilelink/app/context.hpp"
#include "mobilelink/http/types.hpp"

namespace mobilelink::app {

/// Registers POST /api/v1/customers:import (admin role) and
/// GET /api/v1/conversations/{id}/customer (docs/openapi.yaml).
void AddCustomerApiRoutes(http::Router& router, AppContext& context);

}  // namespace mobilelink::app
