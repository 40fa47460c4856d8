#include "warm_interpreter_pool.hpp"

#include <vector>

#include "notifyd/sdk/duration.hpp"

namespace notifyd::exec {
namespace {

using Clock = std::chrono::steady_clock;

std::string user_of(const SpawnPlan& plan) {
  constexpr std::string_view prefix = "USER=";
  for (const auto& entry : plan.environment) {
    if (entry.compare(0, prefix.size(), prefix) == 0) return entry.substr(prefix.size());
  }
  return plan.identity ? "uid " + std::to_string(plan.identity->uid) : "notifyd's user";
}

}  // namespace

std::string warm_interpreter_key(const SpawnPlan& plan) {
  std::string key = plan.program;
  key.append(1, '\0').append(plan.working_directory);
  if (plan.identity) {
    key.append(1, '\0').append(std::to_string(plan.identity->uid));
    key.append(1, '\0').append(std::to_string(plan.identity->gid));
    for (const gid_t group : plan.identity->groups) key.append(1, ',').append(std::to_string(group));
  }
  for (const auto& entry : plan.environment) key.append(1, '\0').append(entry);
  return key;
}

WarmInterpreterPool::WarmInterpreterPool(std::chrono::milliseconds idle_after, Warn warn)
    : idle_after_(idle_after), warn_(std::move(warn)) {}

WarmInterpreterPool::~WarmInterpreterPool() = default;

sdk::Result<SpawnedChild> WarmInterpreterPool::start(const SpawnPlan& plan) {
  if (plan.arguments.size() < 2) return sdk::Result<SpawnedChild>::failure("no script to run");
  const std::string key = warm_interpreter_key(plan);
  const std::shared_ptr<WarmInterpreter> interpreter = interpreter_for(key, plan);
  if (!interpreter) return sdk::Result<SpawnedChild>::failure("no warm interpreter");
  auto child = interpreter->run(plan.arguments.back(), plan.run_environment, plan.cgroup_procs_fd);
  if (!child) failed(key, interpreter, plan, child.error());
  return child;
}

std::shared_ptr<WarmInterpreter> WarmInterpreterPool::interpreter_for(const std::string& key, const SpawnPlan& plan) {
  std::shared_ptr<WarmInterpreter> dead;  // reaped after the lock is released
  std::string failure;
  {
    std::lock_guard lock(mutex_);
    Slot& slot = slots_[key];
    const auto now = Clock::now();
    if (slot.interpreter && !slot.interpreter->alive()) dead = std::move(slot.interpreter);
    if (!slot.interpreter) {
      if (now < slot.retry_at) return nullptr;
      auto started = WarmInterpreter::start(plan);
      if (started) {
        slot.interpreter = std::move(started).value();
      } else {
        slot.retry_at = now + retry_after;
        failure = started.error();
      }
    }
    if (slot.interpreter) {
      slot.last_used = now;
      return slot.interpreter;
    }
  }
  if (warn_) {
    warn_("cannot start a warm " + plan.program + " for " + user_of(plan) + ": " + failure +
          "; that user's scripts start cold for " + sdk::format_duration(retry_after));
  }
  return nullptr;
}

void WarmInterpreterPool::failed(const std::string& key, const std::shared_ptr<WarmInterpreter>& interpreter,
                                 const SpawnPlan& plan, const std::string& reason) {
  std::shared_ptr<WarmInterpreter> dropped;
  {
    std::lock_guard lock(mutex_);
    const auto found = slots_.find(key);
    if (found == slots_.end() || found->second.interpreter != interpreter) return;  // reported already
    dropped = std::move(found->second.interpreter);
    found->second.retry_at = Clock::now() + retry_after;
  }
  if (!warn_) return;
  std::string message = "the warm " + plan.program + " for " + user_of(plan) + " failed: " + reason;
  if (const std::string written = interpreter->diagnostics(); !written.empty()) message += "; it wrote: " + written;
  warn_(message + "; that user's scripts start cold for " + sdk::format_duration(retry_after));
}

void WarmInterpreterPool::stop_idle() {
  std::vector<std::shared_ptr<WarmInterpreter>> stopped;  // ended after the lock is released
  {
    std::lock_guard lock(mutex_);
    const auto now = Clock::now();
    for (auto slot = slots_.begin(); slot != slots_.end();) {
      auto& interpreter = slot->second.interpreter;
      if (interpreter && interpreter.use_count() == 1 && now - slot->second.last_used >= idle_after_) {
        stopped.push_back(std::move(interpreter));
      }
      if (!interpreter && now >= slot->second.retry_at) {
        slot = slots_.erase(slot);
      } else {
        ++slot;
      }
    }
  }
}

std::size_t WarmInterpreterPool::size() const {
  std::lock_guard lock(mutex_);
  std::size_t running = 0;
  for (const auto& [key, slot] : slots_) running += slot.interpreter ? 1 : 0;
  return running;
}

}  // namespace notifyd::exec
