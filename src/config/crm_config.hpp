#pragma once

#include "mobilelink/config/yaml_node.hpp"
#include "mobilelink/customers/crm_connector.hpp"

namespace mobilelink::config {

/// Parses `crm:` (see customers::CrmConfig). An absent section disables the connector.
customers::CrmConfig ParseCrm(const Node& node);

}  // namespace mobilelink::config
