#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "notifyd/sdk/check_service.hpp"
#include "notifyd/sdk/status.hpp"

namespace notifyd::core {

/// Why a check was not run, when `CheckRunner::run` answers no record.
struct RunRefusal {
  enum class Kind {
    no_such_check,      ///< the user has no check by that name here, nor in any host group's catalogue
    group_not_running,  ///< only host groups with no live replica have it
    not_claimed,        ///< no replica of its host group took the request in time; it did not run
    claimer_stopped,    ///< the replica that took the request stopped before answering; it may have run
    no_answer,          ///< the replica that took the request gave no answer in time; it may have run
    bad_answer,         ///< the replica that took the request answered something unreadable
    stopping,           ///< notifyd (this replica, or the one asked) is stopping
    unavailable,        ///< the notification store or the cluster's shared database failed
    failed,             ///< anything else (out of memory)
  };
  Kind kind = Kind::failed;
  std::string message;  ///< for people: names the check, the user and, with replicas, the host group
};

/// The kind's name as it travels between replicas (`no_such_check`, ...).
std::string_view refusal_kind_name(RunRefusal::Kind kind) noexcept;
/// The kind named `name`; nullopt for a name this version does not know.
std::optional<RunRefusal::Kind> refusal_kind_named(std::string_view name) noexcept;

/// What asking for a run answers: the run's record, or why it did not run.
class RunResult {
 public:
  RunResult(sdk::RunRecord record) : record_(std::move(record)) {}
  RunResult(RunRefusal refusal) : refusal_(std::move(refusal)) {}
  /// A refusal of `kind` saying `message`.
  static RunResult refused(RunRefusal::Kind kind, std::string message) {
    return RunResult(RunRefusal{kind, std::move(message)});
  }

  bool ok() const noexcept { return record_.has_value(); }
  explicit operator bool() const noexcept { return ok(); }
  /// The record; only when `ok()`.
  const sdk::RunRecord& value() const& { return *record_; }
  sdk::RunRecord&& value() && { return std::move(*record_); }
  /// Why it did not run; only when not `ok()`.
  const RunRefusal& refusal() const noexcept { return refusal_; }
  /// As the SDK's check service answers: the record, or the refusal's message.
  sdk::Result<sdk::RunRecord> to_sdk() const;

 private:
  std::optional<sdk::RunRecord> record_;
  RunRefusal refusal_;
};

}  // namespace notifyd::core
