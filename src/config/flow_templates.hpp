#pragma once

// Checks that the templates of a flow name only values that the flow can fill.

#include "mobilelink/bot/flow.hpp"
#include "mobilelink/config/yaml_node.hpp"

namespace mobilelink::config {

/// Fails when a template of `flow` (a text, key, URL, body or update value) has a {{name}} that
/// no step of the flow saves, an unclosed {{, or a filter other than mask, or when an ask's
/// prefill or a branch's value names such a value. Also fails on a transactions lookup or an
/// update in a flow without a customer or crm lookup. `steps_node` is the flow's `steps` list.
void CheckFlowTemplates(const Node& steps_node, const bot::Flow& flow);

}  // namespace mobilelink::config
