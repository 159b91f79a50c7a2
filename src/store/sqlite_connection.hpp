#pragma once

// Thin RAII wrappers over one SQLite connection and its prepared statements. Statements are
// prepared once per connection and cached by their SQL text.

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "mobilelink/common/metrics.hpp"

namespace mobilelink::store {

/// Returns the counter of the rows that statements of the query named `query` stepped through
/// in full table scans, summed over every connection of the process.
Counter& FullScanRows(std::string_view query);

/// A prepared statement, reset and cleared of bindings when the Statement goes out of scope.
class Statement final {
 public:
  Statement(sqlite3* db, sqlite3_stmt* stmt, std::string_view name);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& Bind(int index, std::int64_t value);
  Statement& Bind(int index, int value) { return Bind(index, static_cast<std::int64_t>(value)); }
  Statement& Bind(int index, double value);
  Statement& Bind(int index, std::string_view value);
  Statement& Bind(int index, const std::string& value) { return Bind(index, std::string_view(value)); }
  Statement& Bind(int index, const char* value) { return Bind(index, std::string_view(value)); }
  Statement& Bind(int index, std::optional<std::int64_t> value);
  Statement& BindNull(int index);
  /// Binds `bytes` as a BLOB, for binary content that is not text.
  Statement& BindBlob(int index, std::string_view bytes);

  /// Steps once. Returns true when a row is available. Throws std::runtime_error on errors,
  /// naming the query.
  bool Step();
  /// Steps until done.
  void Run();

  [[nodiscard]] std::int64_t Int(int column) const;
  [[nodiscard]] double Real(int column) const;
  [[nodiscard]] std::string Text(int column) const;
  /// Returns a BLOB column's bytes.
  [[nodiscard]] std::string Blob(int column) const;
  [[nodiscard]] bool IsNull(int column) const;
  [[nodiscard]] std::optional<std::int64_t> OptionalInt(int column) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
  std::string_view name_;
};

/// A named SQL text. The name appears in errors and logs.
struct Query {
  std::string_view name;
  std::string_view sql;
};

class Connection final {
 public:
  /// Opens `path`. Throws std::runtime_error on failure.
  Connection(const std::string& path, bool read_only);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  /// Runs one or more statements without results. Throws on failure.
  void Exec(std::string_view sql);
  /// Returns the cached prepared statement for `query`.
  Statement Prepare(const Query& query);
  [[nodiscard]] std::int64_t LastInsertId() const;
  [[nodiscard]] int Changes() const;
  [[nodiscard]] sqlite3* Handle() const { return db_; }

 private:
  sqlite3* db_ = nullptr;
  std::unordered_map<const char*, sqlite3_stmt*> cache_;
};

}  // namespace mobilelink::store
