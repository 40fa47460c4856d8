#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/strand.hpp>

#include "notifyd/sdk/callback_scope.hpp"
#include "notifyd/sdk/document_store.hpp"

namespace notifyd::testing {

/// A document store in memory; `fail_writes` makes every write fail. Thread-safe
/// through its interface; the test may use `files` directly while no plugin code runs.
/// Watches hear every write, removal and `put` at once. A fenced `write_if`
/// asks `fence_is_current` (e.g. `FakeCoordination::holds`); without it such
/// writes fail, as in a store without leases.
class MemoryDocuments : public sdk::DocumentStore {
 public:
  sdk::Result<std::optional<std::string>> read(std::string_view name) const noexcept override {
    std::lock_guard lock(mutex_);
    const auto found = files.find(std::string(name));
    if (found == files.end()) return std::optional<std::string>{};
    return std::optional<std::string>{found->second};
  }
  sdk::Status write(std::string_view name, std::string_view content) noexcept override {
    {
      std::lock_guard lock(mutex_);
      if (fail_writes) return sdk::Status::failure("disk full");
      files[std::string(name)] = std::string(content);
      ++writes;
    }
    ring_watches(name);
    return sdk::Status::success();
  }
  sdk::Status remove(std::string_view name) noexcept override {
    {
      std::lock_guard lock(mutex_);
      files.erase(std::string(name));
    }
    ring_watches(name);
    return sdk::Status::success();
  }
  const std::filesystem::path& root() const noexcept override { return root_; }
  sdk::Result<sdk::ConditionalWrite> write_if(std::string_view name, std::optional<std::string_view> content,
                                              std::uint64_t expected, const sdk::Fence& fence = {}) noexcept override {
    if (fence && fence_is_current) {
      if (!fence_is_current(fence)) return sdk::ConditionalWrite{sdk::WriteOutcome::fenced, 0};
      return sdk::DocumentStore::write_if(name, content, expected, {});
    }
    return sdk::DocumentStore::write_if(name, content, expected, fence);
  }
  sdk::Subscription watch(std::string prefix, boost::asio::any_io_executor executor,
                          std::function<void(std::string name)> changed) noexcept override {
    auto watch = std::make_shared<Watch>(std::move(prefix), std::move(executor), std::move(changed));
    {
      std::lock_guard lock(watches_->mutex);
      watches_->all.push_back(watch);
    }
    return sdk::Subscription([weak = std::weak_ptr<Watches>(watches_), watch] {
      if (auto watches = weak.lock()) {
        std::lock_guard lock(watches->mutex);
        std::erase(watches->all, watch);
      }
      watch->scope.close();
    });
  }

  /// The content of document `name`, or empty when there is none.
  std::string file(const std::string& name) const {
    std::lock_guard lock(mutex_);
    const auto found = files.find(name);
    return found == files.end() ? std::string() : found->second;
  }
  /// Stores `content` as document `name` without counting a write.
  void put(const std::string& name, std::string content) {
    {
      std::lock_guard lock(mutex_);
      files[name] = std::move(content);
    }
    ring_watches(name);
  }

  std::map<std::string, std::string> files;
  bool fail_writes = false;
  int writes = 0;
  std::function<bool(const sdk::Fence&)> fence_is_current;  ///< set before plugin code runs

 private:
  struct Watch {
    Watch(std::string p, boost::asio::any_io_executor executor, std::function<void(std::string)> changed)
        : prefix(std::move(p)), scope(boost::asio::make_strand(executor)), report(scope.wrap(std::move(changed))) {}
    std::string prefix;
    sdk::CallbackScope scope;
    std::function<void(std::string)> report;
  };
  struct Watches {
    std::mutex mutex;
    std::vector<std::shared_ptr<Watch>> all;
  };

  // Tells the watches of `name` that it changed.
  void ring_watches(std::string_view name) {
    std::vector<std::shared_ptr<Watch>> hearing;
    {
      std::lock_guard lock(watches_->mutex);
      for (const auto& watch : watches_->all) {
        if (name.starts_with(watch->prefix)) hearing.push_back(watch);
      }
    }
    for (const auto& watch : hearing) watch->report(std::string(name));
  }

  mutable std::mutex mutex_;
  std::filesystem::path root_ = "/nonexistent";
  std::shared_ptr<Watches> watches_ = std::make_shared<Watches>();
};

}  // namespace notifyd::testing
