#pragma once

// Parsers of the `flows:` and `crm:` config sections. Both throw ConfigError naming the key
// path and the reason.

#include "mobilelink/bot/flow.hpp"
#include "mobilelink/config/yaml_node.hpp"
#include "mobilelink/customers/crm_connector.hpp"

namespace mobilelink::config {

/// Parses `flows:` (see docs/flows.md). Step references, regular expressions and choice
/// options are checked here, so a flow that loads can always run.
bot::FlowsConfig ParseFlows(const Node& node);

/// Logs a warning for each flow message whose SMS rendering passes two segments.
void WarnLongFlowMessages(const bot::FlowsConfig& flows);

}  // namespace mobilelink::config
