#pragma once

// The store interface that the application uses. Writes go through one writer that commits
// many units of work per transaction (group commit); a write completes only after its
// transaction is durable.

#include <functional>
#include <memory>
#include <string>

#include "mobilelink/core/repository.hpp"

namespace mobilelink::store {

/// Outcome of one unit of work.
struct WriteResult {
  bool ok = true;
  std::string error;  // Why the unit was rolled back: its own exception or a failed commit.
};

class Store {
 public:
  virtual ~Store() = default;

  /// Queues `work` for the writer. The writer runs it inside a savepoint of the current batch;
  /// an exception from `work` rolls back that unit only. `done` runs on the writer thread after
  /// the batch is durable (or failed), so it must be short: post elsewhere for anything slow.
  /// Thread safe.
  virtual void Write(std::function<void(core::Repository&)> work,
                     std::function<void(const WriteResult&)> done) = 0;

  /// Runs `work` on a read-only transaction on the calling thread. Sees every write whose
  /// `done` already ran. Thread safe; each thread gets its own connection.
  virtual void Read(const std::function<void(core::Repository&)>& work) = 0;

  /// Runs `work` as a write and blocks until it is durable. Returns its result. For startup,
  /// tests and tools, never on an I/O thread.
  WriteResult WriteAndWait(std::function<void(core::Repository&)> work);

  /// Returns true when the database answers a trivial query.
  virtual bool IsReachable() = 0;

  /// Finishes queued writes and stops the writer. Later writes fail.
  virtual void Stop() = 0;
};

/// SQLite engine settings.
///
/// | key | meaning | unit | default |
/// | --- | --- | --- | --- |
/// | path | database file; its folder is created | path | var/mobilelink.db |
/// | max_batch | units of work per transaction | count | 512 |
/// | synchronous | FULL fsyncs the WAL on every commit; NORMAL does not | text | FULL |
struct SqliteOptions {
  std::string path = "var/mobilelink.db";
  int max_batch = 512;
  std::string synchronous = "FULL";
};

/// Opens (creating when needed) and migrates an SQLite database. Throws std::runtime_error with
/// the path and SQLite's message when it cannot.
std::unique_ptr<Store> OpenSqliteStore(const SqliteOptions& options);

}  // namespace mobilelink::store
