#include "spawn_plan.hpp"

#include <sys/stat.h>

namespace notifyd::exec {

std::vector<std::string> user_environment(const UserAccount& account, const EnvironmentSettings& settings) {
  return {
      "HOME=" + account.home.string(),
      "USER=" + account.name,
      "LOGNAME=" + account.name,
      "PATH=" + settings.path,
      "LANG=" + settings.lang,
      "MPLCONFIGDIR=/tmp/mpl_" + account.name,
      "NOTIFYD_USER=" + account.name,
  };
}

std::vector<std::string> run_environment(const std::string& check, std::uint64_t run_id) {
  return {"NOTIFYD_CHECK=" + check, "NOTIFYD_RUN_ID=" + std::to_string(run_id)};
}

std::string choose_interpreter(const std::filesystem::path& home, const std::string& configured) {
  const std::filesystem::path venv = home / ".venv/bin/python";
  struct stat st {};
  if (::stat(venv.c_str(), &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111)) return venv.string();
  return configured;
}

SpawnPlan script_plan(const std::filesystem::path& script, const UserAccount& account,
                      const EnvironmentSettings& settings, const std::string& interpreter, const std::string& check,
                      std::uint64_t run_id, uid_t daemon_uid) {
  SpawnPlan plan;
  plan.program = interpreter;
  plan.arguments = {interpreter, script.string()};
  plan.environment = user_environment(account, settings);
  plan.run_environment = run_environment(check, run_id);
  plan.working_directory = account.home.string();
  if (daemon_uid == 0) plan.identity = ChildIdentity{account.uid, account.gid, account.groups};
  return plan;
}

}  // namespace notifyd::exec
