#include "file_claims.hpp"

#include <map>
#include <mutex>

namespace notifyd::telegram {
namespace {

std::mutex& claims_mutex() {
  static std::mutex mutex;
  return mutex;
}

std::map<std::string, std::string>& owners() {
  static std::map<std::string, std::string> files;
  return files;
}

}  // namespace

std::string FileClaims::claim(const std::vector<std::string>& files, const std::string& instance) {
  std::lock_guard lock(claims_mutex());
  for (const auto& file : files) {
    if (auto found = owners().find(file); found != owners().end() && found->second != instance) {
      return file + " is already used by the telegram instance \"" + found->second + "\"";
    }
  }
  for (const auto& file : files) owners()[file] = instance;
  return {};
}

void FileClaims::release(const std::string& instance) {
  std::lock_guard lock(claims_mutex());
  std::erase_if(owners(), [&](const auto& entry) { return entry.second == instance; });
}

}  // namespace notifyd::telegram
