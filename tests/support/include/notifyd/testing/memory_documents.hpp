#pragma once

#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "notifyd/sdk/document_store.hpp"

namespace notifyd::testing {

/// A document store in memory; `fail_writes` makes every write fail. Thread-safe
/// through its interface; the test may use `files` directly while no plugin code runs.
class MemoryDocuments : public sdk::DocumentStore {
 public:
  sdk::Result<std::optional<std::string>> read(std::string_view name) const noexcept override {
    std::lock_guard lock(mutex_);
    const auto found = files.find(std::string(name));
    if (found == files.end()) return std::optional<std::string>{};
    return std::optional<std::string>{found->second};
  }
  sdk::Status write(std::string_view name, std::string_view content) noexcept override {
    std::lock_guard lock(mutex_);
    if (fail_writes) return sdk::Status::failure("disk full");
    files[std::string(name)] = std::string(content);
    ++writes;
    return sdk::Status::success();
  }
  sdk::Status remove(std::string_view name) noexcept override {
    std::lock_guard lock(mutex_);
    files.erase(std::string(name));
    return sdk::Status::success();
  }
  const std::filesystem::path& root() const noexcept override { return root_; }

  /// The content of document `name`, or empty when there is none.
  std::string file(const std::string& name) const {
    std::lock_guard lock(mutex_);
    const auto found = files.find(name);
    return found == files.end() ? std::string() : found->second;
  }
  /// Stores `content` as document `name` without counting a write.
  void put(const std::string& name, std::string content) {
    std::lock_guard lock(mutex_);
    files[name] = std::move(content);
  }

  std::map<std::string, std::string> files;
  bool fail_writes = false;
  int writes = 0;

 private:
  mutable std::mutex mutex_;
  std::filesystem::path root_ = "/nonexistent";
};

}  // namespace notifyd::testing
