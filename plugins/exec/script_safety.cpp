#include "script_safety.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>

namespace notifyd::exec {
namespace {

std::string quoted(const std::filesystem::path& path) { return path.string(); }

std::string owner_text(uid_t owner) { return "uid " + std::to_string(owner); }

sdk::Result<FileFacts> facts_of(const std::filesystem::path& path, bool follow) {
  struct stat st {};
  const int result = follow ? ::stat(path.c_str(), &st) : ::lstat(path.c_str(), &st);
  if (result != 0) {
    const int error = errno;
    if (error == ENOENT) return sdk::Result<FileFacts>::failure(quoted(path) + " does not exist (any more)");
    return sdk::Result<FileFacts>::failure("cannot inspect " + quoted(path) + ": " + std::strerror(error));
  }
  return FileFacts{st.st_mode, st.st_uid};
}

sdk::Status check_directory(const std::filesystem::path& directory, uid_t uid, const std::string& user) {
  auto facts = facts_of(directory, true);
  if (!facts) return sdk::Status::failure(facts.error());
  if (auto problem = script_directory_problem(directory, facts.value(), uid, user)) return sdk::Status::failure(*problem);
  return sdk::Status::success();
}

}  // namespace

std::string octal_mode(mode_t mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
  return text;
}

std::optional<std::string> script_file_problem(const std::filesystem::path& path, const FileFacts& file, uid_t uid,
                                               const std::string& user) {
  if (!S_ISREG(file.mode)) return quoted(path) + " is not a regular file";
  if (file.owner != uid) {
    return quoted(path) + " belongs to " + owner_text(file.owner) + ", not to " + user + " (uid " +
           std::to_string(uid) + "); only a user's own scripts run as that user";
  }
  if (file.mode & (S_IWGRP | S_IWOTH)) {
    const char* who = (file.mode & S_IWOTH) ? "others" : "its group";
    return quoted(path) + " is writable by " + who + " (mode " + octal_mode(file.mode) +
           "), so someone else could change what runs as " + user + "; fix it with chmod go-w " + quoted(path);
  }
  return std::nullopt;
}

std::optional<std::string> script_directory_problem(const std::filesystem::path& directory, const FileFacts& facts,
                                                    uid_t uid, const std::string& user) {
  if (!S_ISDIR(facts.mode)) return quoted(directory) + " is not a directory";
  if (facts.owner != uid && facts.owner != 0) {
    return "the directory " + quoted(directory) + " belongs to " + owner_text(facts.owner) + ", neither " + user +
           " nor root, so its owner could replace the script";
  }
  if ((facts.mode & S_IWOTH) && !(facts.mode & S_ISVTX)) {
    return "the directory " + quoted(directory) + " is writable by others without the sticky bit (mode " +
           octal_mode(facts.mode) + "), so anyone could replace the script; fix it with chmod o-w " +
           quoted(directory);
  }
  return std::nullopt;
}

sdk::Status inspect_script(const std::filesystem::path& path, uid_t uid, const std::string& user) {
  if (auto status = check_directory(path.parent_path(), uid, user); !status) return status;
  auto link = facts_of(path, false);
  if (!link) return sdk::Status::failure(link.error());
  std::filesystem::path target = path;
  if (S_ISLNK(link.value().mode)) {
    std::unique_ptr<char, decltype(&std::free)> resolved(::realpath(path.c_str(), nullptr), &std::free);
    if (!resolved) {
      return sdk::Status::failure(quoted(path) + " is a symbolic link that does not resolve: " + std::strerror(errno));
    }
    target = resolved.get();
    if (auto status = check_directory(target.parent_path(), uid, user); !status) return status;
  }
  auto file = facts_of(target, true);
  if (!file) return sdk::Status::failure(file.error());
  if (auto problem = script_file_problem(target, file.value(), uid, user)) return sdk::Status::failure(*problem);
  return sdk::Status::success();
}

}  // namespace notifyd::exec
