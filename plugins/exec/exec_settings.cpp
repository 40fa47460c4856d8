#include "exec_settings.hpp"

#include <algorithm>

#include "notifyd/sdk/check_result.hpp"
#include "notifyd/sdk/settings_schema.hpp"

namespace notifyd::exec {
namespace {

using namespace std::chrono_literals;

constexpr std::int64_t min_output_bytes = 1024;
constexpr std::int64_t max_stderr_bytes = 16 << 20;
constexpr std::int64_t max_children_limit = 1024;

std::string first_bad_user_name(const std::vector<std::string>& users) {
  for (const auto& user : users) {
    const bool control = std::any_of(user.begin(), user.end(), [](unsigned char c) { return c < 0x20 || c == 0x7F; });
    if (user.empty() || control || user.find('/') != std::string::npos) return "\"" + user + "\" is not a user name";
  }
  return {};
}

const sdk::SettingsSchema<ExecSettings>& exec_settings_schema() {
  static const auto schema = [] {
    sdk::SettingsSchema<ExecSettings> s(
        "Runs users' check scripts (~/user/notifications/*.py) as their owners, with a clean environment, a timeout "
        "and capped output, and offers them to the host as checks");
    s.string("users_group", "", "Unix group whose members (and users whose primary group it is) have scripts")
        .into(&ExecSettings::users_group);
    s.string_list("users", {}, "further users who have scripts (the union with users_group)")
        .into(&ExecSettings::users)
        .check("user names", first_bad_user_name);
    s.rule({"users_group", "users"}, [](const ExecSettings& settings, sdk::ConfigProblems& problems) {
      if (settings.users_group.empty() && settings.users.empty()) {
        problems.add_general("neither users_group nor users is set: no user's scripts would run");
      }
    });
    s.path("pattern", "~/user/notifications/*.py",
           "where a user's scripts are; ~ is the user's home; wildcards only in the file name")
        .into(&ExecSettings::pattern, parse_script_pattern);
    s.string("schedule", "", "schedule of scripts whose header names none; empty = the scheduler's default")
        .into(&ExecSettings::schedule)
        .printable();
    s.string("interpreter", "/usr/bin/python3", "interpreter used when the user has no ~/.venv/bin/python")
        .into(&ExecSettings::interpreter)
        .absolute_path();
    s.duration("timeout", 60s, "a run is stopped (SIGTERM to its process group) after this; a header may override it")
        .into(&ExecSettings::timeout)
        .positive()
        .at_most(24h);
    s.duration("kill_grace", 5s, "time between SIGTERM and SIGKILL")
        .into(&ExecSettings::kill_grace)
        .positive()
        .at_most(10min);
    s.integer("max_output", 1 << 20, "stdout bytes kept (the rest is read and dropped; the run is then bad_output)")
        .into(&ExecSettings::max_output)
        .between(min_output_bytes, static_cast<std::int64_t>(sdk::max_check_output_bytes));
    s.integer("max_stderr", 64 << 10, "bytes of stderr kept for the run log (the last ones)")
        .into(&ExecSettings::max_stderr)
        .between(0, max_stderr_bytes);
    s.duration("rescan_interval", 30s, "how often users' script directories are listed again")
        .into(&ExecSettings::rescan_interval)
        .at_least(100ms);
    s.integer("max_children", 16, "scripts this instance runs at once (the host's [checks] limit usually binds first)")
        .into(&ExecSettings::max_children)
        .between(1, max_children_limit);
    s.string("path_env", "/usr/local/bin:/usr/bin:/bin", "PATH given to scripts").into(&ExecSettings::path_env).printable();
    s.string("lang", "C.UTF-8", "LANG given to scripts").into(&ExecSettings::lang).printable();
    s.boolean("warm_start", true,
              "fork each run from a per-user interpreter that has already started (saves Python's start-up); "
              "false = execute the interpreter for every run")
        .into(&ExecSettings::warm_start);
    s.duration("warm_idle", 30s, "a warm interpreter with no run for this long is stopped (checked at each rescan)")
        .into(&ExecSettings::warm_idle)
        .positive();
    s.boolean("cgroups", true,
              "put each run in a cgroup v2 of its own where the daemon may create one, so that its end ends every "
              "process it started; false (or no usable cgroup) = find them by NOTIFYD_RUN_ID in their environment")
        .into(&ExecSettings::cgroups);
    return s;
  }();
  return schema;
}

}  // namespace

void describe_exec_settings(sdk::ConfigSchema& schema) { exec_settings_schema().describe(schema); }

sdk::Result<ExecSettings> read_exec_settings(const sdk::PluginConfig& config) {
  return exec_settings_schema().read(config);
}

}  // namespace notifyd::exec
