#include "local_scripts.hpp"

#include <sys/stat.h>

#include <algorithm>

namespace notifyctl {

std::vector<std::filesystem::path> find_local_scripts(const std::filesystem::path& home) {
  std::vector<std::filesystem::path> scripts;
  std::error_code error;
  std::filesystem::directory_iterator entries(home / "user" / "notifications", error);
  for (; !error && entries != std::filesystem::directory_iterator(); entries.increment(error)) {
    const std::filesystem::path& path = entries->path();
    const std::string name = path.filename().string();
    if (name.size() > 3 && name.front() != '.' && path.extension() == ".py") scripts.push_back(path);
  }
  std::sort(scripts.begin(), scripts.end());
  return scripts;
}

std::string local_interpreter(const std::filesystem::path& home) {
  const std::filesystem::path venv = home / ".venv" / "bin" / "python";
  struct stat st {};
  if (::stat(venv.c_str(), &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111)) return venv.string();
  return default_interpreter;
}

}  // namespace notifyctl
