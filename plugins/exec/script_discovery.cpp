#include "script_discovery.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <system_error>

#include "script_header.hpp"
#include "script_pattern.hpp"
#include "script_safety.hpp"

namespace notifyd::exec {
namespace {

namespace fs = std::filesystem;

// The first bytes of a regular file, or nullopt when it cannot be read.
std::optional<std::string> read_head(const fs::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (fd < 0) return std::nullopt;
  std::string head;
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
    head.resize(header_scan_bytes);
    std::size_t filled = 0;
    while (filled < head.size()) {
      const ssize_t n = ::read(fd, head.data() + filled, head.size() - filled);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      filled += static_cast<std::size_t>(n);
    }
    head.resize(filled);
  }
  ::close(fd);
  return head;
}

}  // namespace

void apply_script_header(const fs::path& path, sdk::CheckDefinition& definition, std::vector<std::string>& warnings) {
  auto head = read_head(path);
  if (!head) return;
  const ScriptHeader header = parse_script_header(*head);
  for (const auto& warning : header.warnings) {
    warnings.push_back(path.string() + ":" + std::to_string(warning.line) + ": " + warning.message +
                       "; the key is ignored");
  }
  if (header.schedule) definition.schedule = *header.schedule;
  if (header.timeout) definition.timeout = *header.timeout;
}

DiscoveryReport ScriptDiscovery::scan() {
  DiscoveryReport report;
  std::vector<std::string> warnings;
  std::vector<std::string> group_members;
  if (!settings_.users_group.empty()) {
    auto members = group_member_names(settings_.users_group);
    if (members) {
      group_members = std::move(members).value();
    } else {
      warnings.push_back("users_group: " + members.error());
    }
  }
  for (const auto& user : union_of_users(settings_.users, group_members)) scan_user(user, report, warnings);

  std::set<std::string> current;
  for (auto& warning : warnings) {
    const bool repeated = previous_warnings_.count(warning) > 0;
    if (current.insert(warning).second && !repeated) report.new_warnings.push_back(std::move(warning));
  }
  previous_warnings_ = std::move(current);
  return report;
}

void ScriptDiscovery::scan_user(const std::string& user, DiscoveryReport& report, std::vector<std::string>& warnings) {
  auto account_or_error = lookup_account(user);
  if (!account_or_error) {
    warnings.push_back(account_or_error.error() + "; skipping this user");
    return;
  }
  auto account = std::make_shared<const UserAccount>(std::move(account_or_error).value());
  const fs::path directory = script_directory(settings_.pattern, account->home);
  ++report.users;

  std::error_code error;
  fs::directory_iterator entries(directory, error);
  if (error) {
    if (error != std::errc::no_such_file_or_directory && error != std::errc::not_a_directory) {
      warnings.push_back("cannot list " + user + "'s scripts in " + directory.string() + ": " + error.message() +
                         "; skipping this user");
    }
    return;
  }
  std::vector<std::string> names;
  for (; entries != fs::directory_iterator(); entries.increment(error)) {
    if (error) break;
    std::string name = entries->path().filename().string();
    if (matches_file_name(settings_.pattern, name)) names.push_back(std::move(name));
  }
  if (error) {
    warnings.push_back("cannot list " + user + "'s scripts in " + directory.string() + ": " + error.message());
  }
  std::sort(names.begin(), names.end());
  if (names.size() > max_scripts_per_user) {
    warnings.push_back(user + " has " + std::to_string(names.size()) + " scripts in " + directory.string() +
                       "; only the first " + std::to_string(max_scripts_per_user) + " are used");
    names.resize(max_scripts_per_user);
  }

  std::map<std::string, fs::path> taken;
  for (const auto& name : names) {
    const fs::path path = directory / name;
    auto check_name = check_name_of(name);
    if (!check_name) {
      warnings.push_back("ignoring " + path.string() +
                         ": its name cannot be a check name (control characters, / or %, invalid UTF-8, or empty)");
      continue;
    }
    if (auto [existing, inserted] = taken.emplace(*check_name, path); !inserted) {
      warnings.push_back("ignoring " + path.string() + ": " + existing->second.string() + " already provides check " +
                         *check_name);
      continue;
    }
    DiscoveredScript script;
    script.path = path;
    script.account = account;
    script.definition.name = *check_name;
    script.definition.user = user;
    script.definition.schedule = settings_.schedule;
    script.definition.timeout = settings_.timeout;
    script.definition.origin = path.string();
    // A header is read only from a script that may run, so nobody can make
    // notifyd read (and log) a file that is not theirs.
    if (inspect_script(path, account->uid, user)) apply_script_header(path, script.definition, warnings);
    report.scripts.push_back(std::move(script));
  }
}

}  // namespace notifyd::exec
