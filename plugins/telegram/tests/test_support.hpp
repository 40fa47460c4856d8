#pragma once
// Fakes shared by the Telegram plugin's unit tests: an in-memory document
// store and a check service whose answers the test sets.

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "notifyd/sdk/check_service.hpp"
#include "notifyd/sdk/document_store.hpp"

namespace notifyd::telegram::testing {

/// Documents in a map; `fail_writes` makes every write fail.
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

  std::map<std::string, std::string> files;
  bool fail_writes = false;
  int writes = 0;

 private:
  mutable std::mutex mutex_;
  std::filesystem::path root_ = "/nonexistent";
};

/// Checks per user, and a record of the runs asked for (answered at once).
class FakeChecks : public sdk::CheckService {
 public:
  void add_provider(sdk::CheckProvider&) noexcept override {}
  std::vector<sdk::CheckStatus> checks(std::string_view user) const noexcept override {
    const auto found = by_user.find(std::string(user));
    return found == by_user.end() ? std::vector<sdk::CheckStatus>{} : found->second;
  }
  void run(std::string_view user, std::string_view name, std::string trigger,
           std::function<void(sdk::Result<sdk::RunRecord>)> done) noexcept override {
    requested.push_back(std::string(user) + ":" + std::string(name) + ":" + trigger);
    sdk::RunRecord record;
    record.check = std::string(name);
    record.user = std::string(user);
    record.outcome = "quiet";
    done(record);
  }
  sdk::Result<std::vector<sdk::RunRecord>> runs(std::string_view, std::string_view,
                                                std::uint32_t) const noexcept override {
    return std::vector<sdk::RunRecord>{};
  }
  void set_next_run(std::string_view, std::string_view, std::int64_t) noexcept override {}

  std::map<std::string, std::vector<sdk::CheckStatus>> by_user;
  std::vector<std::string> requested;  ///< "user:check:trigger" per run asked for
};

/// A check named `name` of `user` with an optional last run.
inline sdk::CheckStatus check_status(const std::string& user, const std::string& name, std::int64_t last_run_ms = 0,
                                     std::string outcome = "quiet", std::int64_t last_sent_ms = 0) {
  sdk::CheckStatus status;
  status.definition.name = name;
  status.definition.user = user;
  if (last_run_ms > 0) {
    sdk::RunRecord run;
    run.check = name;
    run.user = user;
    run.started_at_ms = last_run_ms;
    run.outcome = std::move(outcome);
    status.last_run = run;
  }
  status.last_sent_ms = last_sent_ms;
  return status;
}

}  // namespace notifyd::telegram::testing
