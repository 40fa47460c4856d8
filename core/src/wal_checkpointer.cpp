#include "wal_checkpointer.hpp"

#include "notifyd/sdk/thread_name.hpp"

namespace notifyd::core {

sdk::Status WalCheckpointer::start(const std::string& path, sqlite3* writer) {
  if (auto status = db_.open(path, false); !status) return status;
  if (auto status = db_.exec("PRAGMA synchronous=FULL"); !status) return status;
  writer_ = writer;
  sqlite3_wal_hook(writer_, &WalCheckpointer::on_commit, this);
  thread_ = std::thread([this] {
    sdk::name_this_thread("store-ckpt");
    run();
  });
  return sdk::Status::success();
}

void WalCheckpointer::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wanted_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (writer_) sqlite3_wal_hook(writer_, nullptr, nullptr);
  writer_ = nullptr;
}

// Runs on the writer's thread after each commit, with the log's size.
int WalCheckpointer::on_commit(void* self, sqlite3* writer, const char* database, int pages) {
  auto& checkpointer = *static_cast<WalCheckpointer*>(self);
  if (pages >= writer_pages) {
    sqlite3_wal_checkpoint_v2(writer, database, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  } else if (pages >= wake_pages) {
    {
      std::lock_guard lock(checkpointer.mutex_);
      checkpointer.checkpoint_wanted_ = true;
    }
    checkpointer.wanted_.notify_one();
  }
  return SQLITE_OK;
}

void WalCheckpointer::run() {
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      wanted_.wait(lock, [this] { return stopping_ || checkpoint_wanted_; });
      if (stopping_) return;
      checkpoint_wanted_ = false;
    }
    // PASSIVE: copies what it can without waiting for readers or the writer.
    const int code = sqlite3_wal_checkpoint_v2(db_.handle(), "main", SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    if (code != SQLITE_OK && code != SQLITE_BUSY) log_.warn("checkpoint of the store's log failed: ", db_.error());
  }
}

}  // namespace notifyd::core
