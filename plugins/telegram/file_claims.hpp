#pragma once

#include <string>
#include <vector>

namespace notifyd::telegram {

/// Which telegram instance writes which data file, process-wide, so two
/// instances cannot silently share (and overwrite) each other's links.
/// Thread-safe.
class FileClaims {
 public:
  /// Claims `files` for `instance`; an empty string on success, else which
  /// file another instance holds.
  static std::string claim(const std::vector<std::string>& files, const std::string& instance);
  /// Gives up every file `instance` holds.
  static void release(const std::string& instance);
};

}  // namespace notifyd::telegram
