#pragma once

// Numbered schema migrations, compiled in from src/store/migrations/NNNN_name.sql.

#include <string_view>
#include <vector>

namespace mobilelink::store {

struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;
};

/// Returns the migrations in ascending version order.
const std::vector<Migration>& Migrations();

}  // namespace mobilelink::store
