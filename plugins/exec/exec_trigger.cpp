#include "exec_trigger.hpp"

#include <unistd.h>

#include <algorithm>
#include <exception>
#include <iterator>
#include <set>

#include <boost/asio/post.hpp>

#include "notifyd/sdk/duration.hpp"
#include "notifyd/sdk/plugin_descriptor.hpp"

namespace notifyd::exec {
namespace {

constexpr std::size_t names_listed_in_a_log_line = 10;

std::set<std::string> check_keys(const std::vector<sdk::CheckDefinition>& definitions) {
  std::set<std::string> keys;
  for (const auto& definition : definitions) keys.insert(definition.user + "/" + definition.name);
  return keys;
}

std::string list_of(const std::vector<std::string>& names) {
  std::string text;
  for (std::size_t i = 0; i < names.size() && i < names_listed_in_a_log_line; ++i) text += (i ? ", " : "") + names[i];
  if (names.size() > names_listed_in_a_log_line) {
    text += " and " + std::to_string(names.size() - names_listed_in_a_log_line) + " more";
  }
  return text;
}

}  // namespace

ExecTrigger::ExecTrigger(sdk::Host& host) : host_(host), rescan_timer_(host.executor()) {}

ExecTrigger::~ExecTrigger() = default;

void ExecTrigger::describe(sdk::ConfigSchema& schema) { describe_exec_settings(schema); }

sdk::Status ExecTrigger::configure() {
  auto settings = read_exec_settings(host_.config());
  if (!settings) return sdk::Status::failure(settings.error());
  settings_ = std::make_unique<ExecSettings>(std::move(settings).value());
  discovery_ = std::make_unique<ScriptDiscovery>(*settings_);

  RunnerSettings runner;
  runner.interpreter = settings_->interpreter;
  runner.environment = {settings_->path_env, settings_->lang};
  runner.limits.timeout = settings_->timeout;
  runner.limits.kill_grace = settings_->kill_grace;
  runner.limits.max_output = settings_->max_output;
  runner.limits.max_stderr = settings_->max_stderr;
  runner.max_children = settings_->max_children;
  runner.daemon_uid = ::geteuid();
  runner.warm_start = settings_->warm_start;
  runner.warm_idle = settings_->warm_idle;
  runner.warn = [this](const std::string& message) { host_.log().warn(message); };
  std::string no_cgroups = "cgroups = false";
  if (settings_->cgroups) runner.cgroup_root = RunCgroupRoot::detect(no_cgroups);
  if (runner.cgroup_root) {
    host_.log().info("each run gets a cgroup of its own under ", runner.cgroup_root->path());
  } else {
    host_.log().info("runs get no cgroups (", no_cgroups, "); what a run leaves behind is found by the "
                     "NOTIFYD_RUN_ID in its environment");
  }
  runner_ = std::make_unique<ScriptRunner>(host_.io_context(), std::move(runner));

  host_.checks().add_provider(*this);
  return sdk::Status::success();
}

sdk::Status ExecTrigger::start() {
  if (!runner_) return sdk::Status::failure("start() before a successful configure()");
  if (const uid_t uid = ::geteuid(); uid != 0) {
    host_.log().warn("notifyd runs as uid ", uid, ", not root: only scripts of that user can run; "
                     "other users' runs are refused");
  }
  auto report = discovery_->scan();
  const std::size_t users = report.users;
  apply(std::move(report));
  host_.log().info("found ", catalog_.size(), " script(s) of ", users, " user(s) matching ",
                   host_.config().string("pattern"), "; rescanning every ",
                   sdk::format_duration(settings_->rescan_interval));
  schedule_rescan();
  return sdk::Status::success();
}

void ExecTrigger::stop(std::function<void()> done) {
  stopping_ = true;
  rescan_timer_.cancel();
  if (!runner_) {
    if (done) done();
    return;
  }
  if (const auto running = runner_->running(); running > 0) {
    host_.log().info("stopping ", running, " running script(s)");
  }
  runner_->stop(std::move(done));
}

std::vector<sdk::CheckDefinition> ExecTrigger::list_checks() noexcept {
  try {
    return catalog_.definitions();
  } catch (...) {
    return {};
  }
}

void ExecTrigger::execute(const sdk::CheckDefinition& check, std::uint64_t run_id,
                          std::function<void(sdk::CheckExecution)> done) noexcept {
  using Status = sdk::CheckExecution::Status;
  try {
    if (!runner_) return done(not_started(Status::failed_to_start, "the exec plugin is not configured"));
    auto script = catalog_.find(check.user, check.name);
    if (!script) {
      return done(not_started(Status::failed_to_start,
                              "no script " + check.name + " of " + check.user + " any more (was it removed?)"));
    }
    runner_->run(*script, check, run_id, std::move(done));
  } catch (const std::exception& e) {
    host_.log().error("execute ", check.user, "/", check.name, ": ", e.what());
    if (done) done(not_started(Status::failed_to_start, e.what()));
  }
}

void ExecTrigger::apply(DiscoveryReport report) {
  for (const auto& warning : report.new_warnings) host_.log().warn(warning);
  std::vector<sdk::CheckDefinition> found;
  found.reserve(report.scripts.size());
  for (const auto& script : report.scripts) found.push_back(script.definition);
  const auto before = check_keys(catalog_.definitions());
  const auto after = check_keys(found);
  catalog_.replace(std::move(report.scripts));

  std::vector<std::string> added, removed;
  std::set_difference(after.begin(), after.end(), before.begin(), before.end(), std::back_inserter(added));
  std::set_difference(before.begin(), before.end(), after.begin(), after.end(), std::back_inserter(removed));
  if (!added.empty()) host_.log().info("new script(s): ", list_of(added));
  if (!removed.empty()) host_.log().info("script(s) gone: ", list_of(removed));
}

void ExecTrigger::schedule_rescan() {
  if (stopping_) return;
  rescan_timer_.expires_after(settings_->rescan_interval);
  rescan_timer_.async_wait([this](boost::system::error_code error) {
    if (error || stopping_) return;
    runner_->stop_idle_interpreters();
    runner_->submit([this] {
      try {
        apply(discovery_->scan());
      } catch (const std::exception& e) {
        host_.log().error("listing scripts failed: ", e.what());
      }
      boost::asio::post(host_.executor(), [this] { schedule_rescan(); });
    });
  });
}

}  // namespace notifyd::exec

using notifyd::exec::ExecTrigger;
NOTIFYD_PLUGIN(ExecTrigger, "exec", trigger)
