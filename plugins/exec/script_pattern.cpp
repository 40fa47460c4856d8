#include "script_pattern.hpp"

#include <fnmatch.h>

#include "notifyd/sdk/utf8.hpp"

namespace notifyd::exec {
namespace {

constexpr std::size_t max_check_name_bytes = 128;

bool has_wildcard(std::string_view text) { return text.find_first_of("*?[") != std::string_view::npos; }

bool is_valid_utf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t length = sdk::utf8_sequence_length(text, i);
    if (length == 0) return false;
    i += length;
  }
  return true;
}

}  // namespace

sdk::Result<ScriptPattern> parse_script_pattern(std::string_view text) {
  using Failure = sdk::Result<ScriptPattern>;
  const std::string shown = "\"" + std::string(text) + "\"";
  ScriptPattern pattern;
  if (text.starts_with("~/")) {
    pattern.relative_to_home = true;
  } else if (!text.starts_with("/")) {
    return Failure::failure(shown + " must start with ~/ (the user's home) or /");
  }
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7F) return Failure::failure(shown + " contains a control character");
  }
  const auto slash = text.rfind('/');
  const std::string_view directory = text.substr(0, slash);
  const std::string_view glob = text.substr(slash + 1);
  if (glob.empty()) return Failure::failure(shown + " names a directory; add a file pattern such as *.py");
  if (has_wildcard(directory)) {
    return Failure::failure(shown + ": only the file name may contain wildcards");
  }
  for (std::string_view rest = text; !rest.empty();) {
    const auto end = rest.find('/');
    if (rest.substr(0, end) == "..") return Failure::failure(shown + " must not contain ..");
    if (end == std::string_view::npos) break;
    rest.remove_prefix(end + 1);
  }
  pattern.directory = directory.empty() ? "/" : std::string(directory);
  pattern.file_glob = std::string(glob);
  return pattern;
}

std::filesystem::path script_directory(const ScriptPattern& pattern, const std::filesystem::path& home) {
  if (!pattern.relative_to_home) return std::filesystem::path(pattern.directory).lexically_normal();
  if (pattern.directory == "~") return home.lexically_normal();
  return (home / pattern.directory.substr(2)).lexically_normal();
}

bool matches_file_name(const ScriptPattern& pattern, const std::string& name) {
  return ::fnmatch(pattern.file_glob.c_str(), name.c_str(), FNM_PERIOD) == 0;
}

std::optional<std::string> check_name_of(const std::string& file_name) {
  const std::string stem = std::filesystem::path(file_name).stem().string();
  if (stem.empty() || stem.size() > max_check_name_bytes || stem.front() == '.') return std::nullopt;
  for (unsigned char c : stem) {
    if (c < 0x20 || c == 0x7F || c == '/' || c == '%') return std::nullopt;
  }
  if (!is_valid_utf8(stem)) return std::nullopt;
  return stem;
}

}  // namespace notifyd::exec
