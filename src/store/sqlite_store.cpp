// SQLite engine with group commit.
//
// Durability: the database runs in WAL mode with synchronous=FULL, so each COMMIT fsyncs the
// WAL. One writer thread owns the only read-write connection. It takes every queued unit of
// work (up to max_batch), runs them inside one BEGIN IMMEDIATE ... COMMIT, each in its own
// savepoint, and only after COMMIT returns calls each unit's completion. A webhook is therefore
// answered only after its rows are on disk, while many webhooks share one fsync.
//
// Failure rules: an exception inside a unit rolls back to its savepoint and fails that unit
// alone. A failed COMMIT rolls back the whole batch and fails every unit in it. Nothing is
// acknowledged before the commit that contains it.
//
// Reads: each calling thread opens its own read-only connection; WAL lets readers run beside
// the writer and see every committed batch.

#include <condition_variable>
#include <deque>
#include <filesystem>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <unordered_map>

#include <spdlog/spdlog.h>

#include "mobilelink/common/log.hpp"
#include "mobilelink/common/metrics.hpp"
#include "mobilelink/store/migrations.hpp"
#include "mobilelink/store/sqlite_connection.hpp"
#include "mobilelink/store/sqlite_repository.hpp"
#include "mobilelink/store/store.hpp"

namespace mobilelink::store {

WriteResult Store::WriteAndWait(std::function<void(core::Repository&)> work) {
  std::mutex mutex;
  std::condition_variable done_signal;
  bool finished = false;
  WriteResult result;
  Write(std::move(work), [&](const WriteResult& outcome) {
    std::lock_guard lock(mutex);
    result = outcome;
    finished = true;
    done_signal.notify_one();
  });
  std::unique_lock lock(mutex);
  done_signal.wait(lock, [&] { return finished; });
  return result;
}

namespace {

constexpr Query kSchemaVersion{"schema_version", "PRAGMA user_version"};

void ApplyMigrations(Connection& db, const std::string& path) {
  int current = 0;
  {
    auto row = db.Prepare(kSchemaVersion);
    if (row.Step()) {
      current = static_cast<int>(row.Int(0));
    }
  }
  for (const auto& migration : Migrations()) {
    if (migration.version <= current) {
      continue;
    }
    db.Exec("BEGIN IMMEDIATE");
    try {
      db.Exec(migration.sql);
      db.Exec("PRAGMA user_version = " + std::to_string(migration.version));
      db.Exec("COMMIT");
    } catch (const std::exception& error) {
      db.Exec("ROLLBACK");
      throw std::runtime_error("migration " + std::string(migration.name) + " failed on " + path +
                               ": " + error.what());
    }
    Logger("store")->info("migration applied version={} name={}", migration.version,
                          migration.name);
  }
}

class SqliteStore final : public Store {
 public:
  explicit SqliteStore(const SqliteOptions& options) : options_(options) {
    const auto parent = std::filesystem::path(options.path).parent_path();
    if (!parent.empty()) {
      std::filesystem::create_directories(parent);
    }
    writer_db_ = std::make_unique<Connection>(options.path, false);
    writer_db_->Exec("PRAGMA journal_mode = WAL");
    writer_db_->Exec("PRAGMA synchronous = " + options.synchronous);
    // Foreign keys stay declared in the schema but are not enforced per statement: the
    // writer is the only code that inserts, and each check costs an index lookup per row.
    writer_db_->Exec("PRAGMA foreign_keys = OFF");
    // A 64 MiB page cache keeps the hot indexes of a busy day in memory.
    writer_db_->Exec("PRAGMA cache_size = -65536");
    ApplyMigrations(*writer_db_, options.path);
    writer_ = std::thread([this] { RunWriter(); });
  }

  ~SqliteStore() override { Stop(); }

  void Write(std::function<void(core::Repository&)> work,
             std::function<void(const WriteResult&)> done) override {
    {
      std::lock_guard lock(mutex_);
      if (!stopping_) {
        queue_.push_back({std::move(work), std::move(done)});
        wake_.notify_one();
        return;
      }
    }
    if (done) {
      done(WriteResult{false, "store is stopped"});
    }
  }

  void Read(const std::function<void(core::Repository&)>& work) override {
    Connection& db = ReaderForThisThread();
    db.Exec("BEGIN");
    try {
      SqliteRepository repository(db);
      work(repository);
    } catch (...) {
      db.Exec("ROLLBACK");
      throw;
    }
    db.Exec("COMMIT");
  }

  bool IsReachable() override {
    try {
      bool ok = false;
      Read([&](core::Repository& repository) {
        repository.CountOutbox("pending");
        ok = true;
      });
      return ok;
    } catch (const std::exception&) {
      return false;
    }
  }

  void Stop() override {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) {
        return;
      }
      stopping_ = true;
      wake_.notify_one();
    }
    if (writer_.joinable()) {
      writer_.join();
    }
  }

 private:
  struct Unit {
    std::function<void(core::Repository&)> work;
    std::function<void(const WriteResult&)> done;
  };

  Connection& ReaderForThisThread() {
    // The store owns one reader connection per calling thread and closes them all when it is
    // destroyed, so a store opened later, even at the same address, never reads through one.
    std::lock_guard lock(readers_mutex_);
    auto& connection = readers_[std::this_thread::get_id()];
    if (!connection) {
      connection = std::make_unique<Connection>(options_.path, true);
    }
    return *connection;
  }

  void RunWriter() {
    SqliteRepository repository(*writer_db_);
    std::vector<Unit> batch;
    std::vector<WriteResult> results;
    for (;;) {
      batch.clear();
      {
        std::unique_lock lock(mutex_);
        wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
        if (queue_.empty()) {
          return;  // Stopping with nothing left.
        }
        while (!queue_.empty() && static_cast<int>(batch.size()) < options_.max_batch) {
          batch.push_back(std::move(queue_.front()));
          queue_.pop_front();
        }
      }
      RunBatch(repository, batch, results);
      for (std::size_t i = 0; i < batch.size(); ++i) {
        if (batch[i].done) {
          batch[i].done(results[i]);
        }
      }
      GlobalMetrics().GetCounter("mobilelink_store_commits_total", "Write transactions committed.")
          .Increment();
      GlobalMetrics()
          .GetHistogram("mobilelink_store_batch_units", "Units of work per write transaction.",
                     {1, 2, 4, 8, 16, 32, 64, 128, 256, 512})
          .Observe(static_cast<double>(batch.size()));
    }
  }

  void RunBatch(SqliteRepository& repository, std::vector<Unit>& batch,
                std::vector<WriteResult>& results) {
    results.assign(batch.size(), WriteResult{});
    try {
      writer_db_->Exec("BEGIN IMMEDIATE");
    } catch (const std::exception& error) {
      FailAll(results, error.what());
      return;
    }
    for (std::size_t i = 0; i < batch.size(); ++i) {
      writer_db_->Exec("SAVEPOINT unit");
      try {
        batch[i].work(repository);
        writer_db_->Exec("RELEASE unit");
      } catch (const std::exception& error) {
        results[i] = WriteResult{false, error.what()};
        writer_db_->Exec("ROLLBACK TO unit");
        writer_db_->Exec("RELEASE unit");
      } catch (...) {
        // A unit must not end the writer thread, whatever it throws.
        results[i] = WriteResult{false, "unit of work threw a non-standard exception"};
        writer_db_->Exec("ROLLBACK TO unit");
        writer_db_->Exec("RELEASE unit");
      }
    }
    try {
      writer_db_->Exec("COMMIT");
    } catch (const std::exception& error) {
      Logger("store")->error("commit failed units={} error=\"{}\"", batch.size(), error.what());
      try {
        writer_db_->Exec("ROLLBACK");
      } catch (const std::exception&) {
        // The transaction is already gone; nothing else to undo.
      }
      FailAll(results, error.what());
    }
  }

  static void FailAll(std::vector<WriteResult>& results, const std::string& error) {
    for (auto& result : results) {
      result = WriteResult{false, error};
    }
  }

  SqliteOptions options_;
  std::mutex readers_mutex_;
  std::unordered_map<std::thread::id, std::unique_ptr<Connection>> readers_;
  std::unique_ptr<Connection> writer_db_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Unit> queue_;
  bool stopping_ = false;
  std::thread writer_;
};

}  // namespace

std::unique_ptr<Store> OpenSqliteStore(const SqliteOptions& options) {
  return std::make_unique<SqliteStore>(options);
}

}  // namespace mobilelink::store
