#pragma once
// The single-node store belongs to one process at a time: the daemon holds an
// exclusive flock on its data directory from the store's open until the
// store is destroyed, and `notifyctl cluster import` holds it while it
// copies, so neither starts while the other works on the directory. Locking
// the directory itself leaves no file behind whose owner could lock out a
// daemon running as another user.

#include <filesystem>
#include <memory>

#include "notifyd/sdk/status.hpp"

namespace notifyd::core {

class StoreLock {
 public:
  /// Takes the lock on `data_dir` without waiting; a lock held elsewhere fails
  /// with "the store in DIR is in use by process PID" (PID when /proc tells).
  static sdk::Result<std::unique_ptr<StoreLock>> take(const std::filesystem::path& data_dir);

  /// Releases the lock.
  ~StoreLock();
  StoreLock(const StoreLock&) = delete;
  StoreLock& operator=(const StoreLock&) = delete;

 private:
  explicit StoreLock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace notifyd::core
