#pragma once
// The script contract of the seed, unchanged: a check prints one JSON object.

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "notifyd/sdk/priority.hpp"
#include "notifyd/sdk/status.hpp"

namespace notifyd::sdk {

/// Largest stdout the contract parser reads (1 MiB).
inline constexpr std::size_t max_check_output_bytes = 1 << 20;

/// Cooldown used when a result names none.
inline constexpr std::chrono::seconds default_cooldown{3600};

/// What one run of a check reported.
struct CheckResult {
  bool notify = false;            ///< `notify`, required
  std::string title;              ///< `title`, optional
  std::string message;            ///< `message`, required when notify is true (Markdown)
  std::string image_path;         ///< `image_path`, an absolute PNG/JPG path, optional
  std::chrono::seconds cooldown = default_cooldown;  ///< `cooldown` ("30m", "1h", "1d")
  std::string data_json;          ///< `data`, a JSON object kept as text, optional
  Priority priority = default_priority;  ///< `priority`, 1–5 or a name, optional (notifyd's addition)
  std::vector<std::string> tags;  ///< `tags`, an array of short strings, optional (notifyd's addition)
};

/// Parses a check's stdout. Accepts the whole output as one JSON object, or,
/// when a script printed other lines first, its last non-empty line. Never
/// throws; the error names the field that was wrong.
Result<CheckResult> parse_check_result(std::string_view output);

/// Parses a contract cooldown: `<n>m`, `<n>h` or `<n>d` (n ≥ 1), e.g. `30m`.
Result<std::chrono::seconds> parse_cooldown(std::string_view text);

}  // namespace notifyd::sdk
