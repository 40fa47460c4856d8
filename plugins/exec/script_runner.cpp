#include "script_runner.hpp"

#include <boost/asio/post.hpp>

#include "notifyd/sdk/thread_name.hpp"
#include "script_safety.hpp"

namespace notifyd::exec {
namespace {

constexpr std::size_t worker_threads = 2;
constexpr const char* shutting_down = "notifyd is shutting down";

}  // namespace

sdk::CheckExecution not_started(sdk::CheckExecution::Status status, std::string error) {
  sdk::CheckExecution execution;
  execution.status = status;
  execution.error = std::move(error);
  return execution;
}

ScriptRunner::ScriptRunner(boost::asio::io_context& io, RunnerSettings settings)
    : io_(io),
      settings_(std::move(settings)),
      warm_(settings_.warm_start ? std::make_unique<WarmInterpreterPool>(settings_.warm_idle, settings_.warn)
                                 : nullptr),
      workers_(worker_threads) {}

ScriptRunner::~ScriptRunner() { workers_.join(); }

void ScriptRunner::run(const DiscoveredScript& script, const sdk::CheckDefinition& check, std::uint64_t run_id,
                       Done done) {
  Job job{script, check, run_id, std::move(done)};
  {
    std::unique_lock lock(mutex_);
    if (!stopping_) {
      ++active_;
      if (running_ >= settings_.max_children) {
        queue_.push_back(std::move(job));
        return;
      }
      ++running_;
      lock.unlock();
      boost::asio::post(workers_, [this, job = std::move(job)]() mutable { launch(std::move(job)); });
      return;
    }
  }
  job.done(not_started(sdk::CheckExecution::Status::failed_to_start, shutting_down));
}

bool ScriptRunner::submit(std::function<void()> work) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return false;
    ++active_;
  }
  boost::asio::post(workers_, [this, work = std::move(work)] {
    sdk::name_this_thread("exec-spawn");
    try {
      work();
    } catch (...) {
    }
    complete_one();
  });
  return true;
}

void ScriptRunner::stop_idle_interpreters() {
  if (warm_) submit([this] { warm_->stop_idle(); });
}

void ScriptRunner::launch(Job job) {
  sdk::name_this_thread("exec-spawn");
  std::shared_ptr<ScriptProcess> process;
  sdk::CheckExecution failure = prepare_and_spawn(job, process);
  if (!process) {
    finish(job, std::move(failure), nullptr);
    return;
  }
  bool stop_now;
  {
    std::lock_guard lock(mutex_);
    live_.insert(process);
    stop_now = stopping_;
  }
  auto shared_job = std::make_shared<Job>(std::move(job));
  process->start([this, shared_job, weak = std::weak_ptr<ScriptProcess>(process)](sdk::CheckExecution execution) {
    finish(*shared_job, std::move(execution), weak.lock());
  });
  if (stop_now) process->terminate(shutting_down);
}

sdk::CheckExecution ScriptRunner::prepare_and_spawn(Job& job, std::shared_ptr<ScriptProcess>& process) {
  using Status = sdk::CheckExecution::Status;
  try {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return not_started(Status::failed_to_start, shutting_down);
    }
    const UserAccount& account = *job.script.account;
    if (settings_.daemon_uid != 0 && account.uid != settings_.daemon_uid) {
      return not_started(Status::refused, "notifyd is not running as root, so it cannot run " + account.name +
                                              "'s script as " + account.name);
    }
    if (auto safe = inspect_script(job.script.path, account.uid, account.name); !safe) {
      return not_started(Status::refused, safe.message);
    }
    const std::string interpreter = choose_interpreter(account.home, settings_.interpreter);
    SpawnPlan plan = script_plan(job.script.path, account, settings_.environment, interpreter, job.check.name,
                                 job.run_id, settings_.daemon_uid);
    auto processes = run_processes(account, job.run_id);
    plan.cgroup_procs_fd = processes->cgroup_procs_fd();
    auto child = warm_ ? warm_->start(plan) : sdk::Result<SpawnedChild>::failure("cold start");
    if (!child) child = spawn_child(plan);
    if (!child) return not_started(Status::failed_to_start, child.error());
    ProcessLimits limits = settings_.limits;
    if (job.check.timeout.count() > 0) limits.timeout = job.check.timeout;
    process = std::make_shared<ScriptProcess>(io_, std::move(child).value(), limits, std::move(processes));
    return {};
  } catch (const std::exception& e) {
    process.reset();
    return not_started(Status::failed_to_start, std::string("cannot start the script: ") + e.what());
  }
}

// A cgroup of the run's own when cgroups are in use and one can be made
// (e.g. within cgroup.max.descendants), else the marker.
std::unique_ptr<RunProcesses> ScriptRunner::run_processes(const UserAccount& account, std::uint64_t run_id) const {
  if (settings_.cgroup_root) {
    if (auto in_cgroup = RunProcesses::in_cgroup(*settings_.cgroup_root, run_id)) return std::move(in_cgroup).value();
  }
  return RunProcesses::by_marker(account.name, account.uid, run_id);
}

void ScriptRunner::finish(Job& job, sdk::CheckExecution execution, const std::shared_ptr<ScriptProcess>& process) {
  std::optional<Job> next;
  {
    std::lock_guard lock(mutex_);
    if (process) live_.erase(process);
    if (!queue_.empty() && !stopping_) {
      next = std::move(queue_.front());
      queue_.pop_front();
    } else {
      --running_;
    }
  }
  if (next) boost::asio::post(workers_, [this, job = std::move(*next)]() mutable { launch(std::move(job)); });
  Done done = std::move(job.done);
  try {
    if (done) done(std::move(execution));
  } catch (...) {
  }
  complete_one();
}

void ScriptRunner::complete_one() {
  std::function<void()> stopped;
  {
    std::lock_guard lock(mutex_);
    --active_;
    if (stopping_ && active_ == 0) stopped = std::move(stopped_);
  }
  if (stopped) stopped();
}

void ScriptRunner::stop(std::function<void()> done) {
  std::deque<Job> queued;
  std::set<std::shared_ptr<ScriptProcess>> live;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    queued.swap(queue_);
    live = live_;
    stopped_ = std::move(done);
    ++active_;  // held by stop() itself until the queued runs are answered
  }
  for (auto& job : queued) {
    Done answer = std::move(job.done);
    try {
      if (answer) answer(not_started(sdk::CheckExecution::Status::failed_to_start, shutting_down));
    } catch (...) {
    }
    complete_one();
  }
  for (const auto& process : live) process->terminate(shutting_down);
  complete_one();
}

std::size_t ScriptRunner::running() const {
  std::lock_guard lock(mutex_);
  return live_.size();
}

}  // namespace notifyd::exec
