#include "exec_settings.hpp"

#include "notifyd/sdk/check_result.hpp"
#include "notifyd/sdk/duration.hpp"

namespace notifyd::exec {
namespace {

using namespace std::chrono_literals;
using Failure = sdk::Result<ExecSettings>;

constexpr std::int64_t min_output_bytes = 1024;
constexpr std::int64_t max_stderr_bytes = 16 << 20;
constexpr std::int64_t max_children_limit = 1024;
constexpr auto max_timeout = std::chrono::milliseconds{24h};

bool has_control_character(const std::string& text) {
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7F) return true;
  }
  return false;
}

}  // namespace

void describe_exec_settings(sdk::ConfigSchema& schema) {
  schema.summary("Runs users' check scripts (~/user/notifications/*.py) as their owners, with a clean environment, "
                 "a timeout and capped output, and offers them to the host as checks")
      .string("users_group", "", "Unix group whose members (and users whose primary group it is) have scripts")
      .string_list("users", {}, "further users who have scripts (the union with users_group)")
      .path("pattern", "~/user/notifications/*.py",
              "where a user's scripts are; ~ is the user's home; wildcards only in the file name")
      .string("schedule", "", "schedule of scripts whose header names none; empty = the scheduler's default")
      .string("interpreter", "/usr/bin/python3", "interpreter used when the user has no ~/.venv/bin/python")
      .duration("timeout", 60s, "a run is stopped (SIGTERM to its process group) after this; a header may override it")
      .duration("kill_grace", 5s, "time between SIGTERM and SIGKILL")
      .integer("max_output", 1 << 20, "stdout bytes kept (the rest is read and dropped; the run is then bad_output)")
      .integer("max_stderr", 64 << 10, "bytes of stderr kept for the run log (the last ones)")
      .duration("rescan_interval", 30s, "how often users' script directories are listed again")
      .integer("max_children", 16, "scripts this instance runs at once (the host's [checks] limit usually binds first)")
      .string("path_env", "/usr/local/bin:/usr/bin:/bin", "PATH given to scripts")
      .string("lang", "C.UTF-8", "LANG given to scripts")
      .boolean("warm_start", true,
               "fork each run from a per-user interpreter that has already started (saves Python's start-up); "
               "false = execute the interpreter for every run")
      .duration("warm_idle", 30s, "a warm interpreter with no run for this long is stopped (checked at each rescan)")
      .boolean("cgroups", true,
               "put each run in a cgroup v2 of its own where the daemon may create one, so that its end ends every "
               "process it started; false (or no usable cgroup) = find them by NOTIFYD_RUN_ID in their environment");
}

sdk::Result<ExecSettings> read_exec_settings(const sdk::PluginConfig& config) {
  ExecSettings settings;
  settings.users_group = config.string("users_group");
  settings.users = config.strings("users");
  for (const auto& user : settings.users) {
    if (user.empty() || has_control_character(user) || user.find('/') != std::string::npos) {
      return Failure::failure("users: \"" + user + "\" is not a user name");
    }
  }
  if (settings.users_group.empty() && settings.users.empty()) {
    return Failure::failure("neither users_group nor users is set: no user's scripts would run");
  }

  auto pattern = parse_script_pattern(config.string("pattern"));
  if (!pattern) return Failure::failure("pattern: " + pattern.error());
  settings.pattern = std::move(pattern).value();

  settings.schedule = config.string("schedule");
  if (has_control_character(settings.schedule)) return Failure::failure("schedule: contains a control character");

  settings.interpreter = config.string("interpreter");
  if (settings.interpreter.empty() || settings.interpreter.front() != '/') {
    return Failure::failure("interpreter: \"" + settings.interpreter + "\" is not an absolute path");
  }

  settings.timeout = config.duration("timeout");
  settings.kill_grace = config.duration("kill_grace");
  settings.rescan_interval = config.duration("rescan_interval");
  if (settings.timeout <= 0ms || settings.timeout > max_timeout) {
    return Failure::failure("timeout: must be above 0 and at most 1d, got " + sdk::format_duration(settings.timeout));
  }
  if (settings.kill_grace <= 0ms || settings.kill_grace > 10min) {
    return Failure::failure("kill_grace: must be above 0 and at most 10m, got " +
                            sdk::format_duration(settings.kill_grace));
  }
  if (settings.rescan_interval < 100ms) {
    return Failure::failure("rescan_interval: must be at least 100ms, got " +
                            sdk::format_duration(settings.rescan_interval));
  }

  const auto max_output = config.integer("max_output");
  if (max_output < min_output_bytes || max_output > static_cast<std::int64_t>(sdk::max_check_output_bytes)) {
    return Failure::failure("max_output: must be between 1024 and " + std::to_string(sdk::max_check_output_bytes) +
                            " bytes (what the script contract parser reads), got " + std::to_string(max_output));
  }
  settings.max_output = static_cast<std::size_t>(max_output);

  const auto max_stderr = config.integer("max_stderr");
  if (max_stderr < 0 || max_stderr > max_stderr_bytes) {
    return Failure::failure("max_stderr: must be between 0 and " + std::to_string(max_stderr_bytes) + ", got " +
                            std::to_string(max_stderr));
  }
  settings.max_stderr = static_cast<std::size_t>(max_stderr);

  const auto max_children = config.integer("max_children");
  if (max_children < 1 || max_children > max_children_limit) {
    return Failure::failure("max_children: must be between 1 and " + std::to_string(max_children_limit) + ", got " +
                            std::to_string(max_children));
  }
  settings.max_children = static_cast<std::size_t>(max_children);

  settings.path_env = config.string("path_env");
  settings.lang = config.string("lang");
  if (has_control_character(settings.path_env)) return Failure::failure("path_env: contains a control character");
  if (has_control_character(settings.lang)) return Failure::failure("lang: contains a control character");

  settings.cgroups = config.boolean("cgroups");
  settings.warm_start = config.boolean("warm_start");
  settings.warm_idle = config.duration("warm_idle");
  if (settings.warm_idle <= 0ms) {
    return Failure::failure("warm_idle: must be above 0, got " + sdk::format_duration(settings.warm_idle));
  }
  return settings;
}

}  // namespace notifyd::exec
