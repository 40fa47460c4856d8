#pragma once
// Finds every configured user's scripts: who the users are, where their
// scripts are, and what each script's header says.

#include <cstddef>
#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "exec_settings.hpp"
#include "notifyd/sdk/check_service.hpp"
#include "user_accounts.hpp"

namespace notifyd::exec {

/// Scripts one user may have; the rest are ignored with a warning.
inline constexpr std::size_t max_scripts_per_user = 1000;

/// One script found on disk, as a check.
struct DiscoveredScript {
  sdk::CheckDefinition definition;         ///< name, user, schedule, timeout, origin
  std::filesystem::path path;              ///< the script as listed (= definition.origin)
  std::shared_ptr<const UserAccount> account;
};

/// What one scan found.
struct DiscoveryReport {
  std::vector<DiscoveredScript> scripts;   ///< sorted by user, then name
  std::vector<std::string> new_warnings;   ///< warnings the previous scan did not give
  std::size_t users = 0;                   ///< users whose script directory was looked at
};

/// Lists users' scripts. Blocking (NSS, file system): runs on a worker
/// thread, one scan at a time. Remembers the previous scan's warnings so a
/// problem that persists is reported once, not at every rescan.
class ScriptDiscovery {
 public:
  explicit ScriptDiscovery(const ExecSettings& settings) : settings_(settings) {}

  /// Scans every user now.
  DiscoveryReport scan();

 private:
  void scan_user(const std::string& user, DiscoveryReport& report, std::vector<std::string>& warnings);

  const ExecSettings& settings_;
  std::set<std::string> previous_warnings_;
};

/// Applies a script's header (read from the file at `path`) to `definition`,
/// adding a `path:line: ...` warning per malformed key. A file that cannot be
/// read keeps the defaults.
void apply_script_header(const std::filesystem::path& path, sdk::CheckDefinition& definition,
                         std::vector<std::string>& warnings);

}  // namespace notifyd::exec
