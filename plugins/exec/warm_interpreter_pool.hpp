#pragma once
// The warm interpreters of an exec plugin instance: one per user and
// interpreter, started on a user's first run, stopped when idle, replaced
// when they die, and avoided for a while when they cannot start.

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "child_spawn.hpp"
#include "notifyd/sdk/status.hpp"
#include "warm_interpreter.hpp"

namespace notifyd::exec {

/// Starts scripts by forking warm interpreters. Thread-safe.
class WarmInterpreterPool {
 public:
  using Warn = std::function<void(const std::string&)>;

  /// How long an interpreter that failed is not tried again (its user's runs start cold meanwhile).
  static constexpr std::chrono::seconds retry_after{60};

  /// `warn` hears about interpreters that fail (once per failure, not per run).
  WarmInterpreterPool(std::chrono::milliseconds idle_after, Warn warn);
  /// Stops every interpreter; runs still going are killed with them.
  ~WarmInterpreterPool();
  WarmInterpreterPool(const WarmInterpreterPool&) = delete;
  WarmInterpreterPool& operator=(const WarmInterpreterPool&) = delete;

  /// Starts `plan`'s script (its last argument) in the warm interpreter for
  /// the plan's program, user, environment and directory, starting one when
  /// none runs. Blocks like `spawn_child`. A failure means no warm
  /// interpreter took the run: start it cold.
  sdk::Result<SpawnedChild> start(const SpawnPlan& plan);

  /// Stops interpreters with no run going that were last used longer than
  /// `idle_after` ago. Blocks while they exit.
  void stop_idle();

  /// Interpreters running.
  std::size_t size() const;

 private:
  struct Slot {
    std::shared_ptr<WarmInterpreter> interpreter;  ///< runs hold it too, so use_count() == 1 means none is going
    std::chrono::steady_clock::time_point last_used;
    std::chrono::steady_clock::time_point retry_at;  ///< after a failure: no interpreter before this
  };

  std::shared_ptr<WarmInterpreter> interpreter_for(const std::string& key, const SpawnPlan& plan);
  void failed(const std::string& key, const std::shared_ptr<WarmInterpreter>& interpreter, const SpawnPlan& plan,
              const std::string& reason);

  std::chrono::milliseconds idle_after_;
  Warn warn_;
  mutable std::mutex mutex_;
  std::map<std::string, Slot> slots_;
};

/// What tells two plans' interpreters apart: program, identity, environment and directory.
std::string warm_interpreter_key(const SpawnPlan& plan);

}  // namespace notifyd::exec
