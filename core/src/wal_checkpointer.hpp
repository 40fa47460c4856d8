#pragma once
// Copies SQLite's write-ahead log back into the database on a thread of its
// own, so the store's writer never waits for a checkpoint in a commit.

#include <sqlite3.h>

#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "notifyd/sdk/logger.hpp"
#include "notifyd/sdk/status.hpp"
#include "sqlite_db.hpp"

namespace notifyd::core {

/// The background checkpointer of one WAL-mode database.
class WalCheckpointer {
 public:
  /// Pages in the log that wake the checkpointer.
  static constexpr int wake_pages = 1000;
  /// Pages in the log at which the writer checkpoints itself, in case the
  /// checkpointer falls behind.
  static constexpr int writer_pages = 20 * wake_pages;

  explicit WalCheckpointer(sdk::Logger& log) : log_(log) {}
  ~WalCheckpointer() { stop(); }
  WalCheckpointer(const WalCheckpointer&) = delete;
  WalCheckpointer& operator=(const WalCheckpointer&) = delete;

  /// Opens a connection of its own to `path` and installs the commit hook
  /// on `writer` (replacing SQLite's automatic checkpoints there).
  sdk::Status start(const std::string& path, sqlite3* writer);
  /// Stops the thread. The writer must not commit afterwards (or must have
  /// been closed): its hook points here.
  void stop();

 private:
  static int on_commit(void* self, sqlite3* writer, const char* database, int pages);
  void run();

  sdk::Logger& log_;
  SqliteDb db_;
  sqlite3* writer_ = nullptr;
  std::mutex mutex_;
  std::condition_variable wanted_;
  bool checkpoint_wanted_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace notifyd::core
