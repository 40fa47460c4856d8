#pragma once
// Fakes of the Telegram plugin's unit tests: a check service whose answers the
// test sets, and the in-memory document store from notifyd/testing.

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "notifyd/sdk/check_service.hpp"
#include "notifyd/testing/fake_coordination.hpp"
#include "notifyd/testing/memory_documents.hpp"

namespace notifyd::telegram::testing {

using notifyd::testing::MemoryDocuments;

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
