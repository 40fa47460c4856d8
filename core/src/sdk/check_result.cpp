#include "notifyd/sdk/check_result.hpp"

#include <charconv>
#include <cstdint>

#include "notifyd/sdk/check_output.hpp"

namespace notifyd::sdk {

Result<std::chrono::seconds> parse_cooldown(std::string_view text) {
  using R = Result<std::chrono::seconds>;
  const auto bad = [&] {
    return R::failure("`cooldown` must be a number and m, h or d (e.g. 30m, 1h, 1d), got \"" + std::string(text) + "\"");
  };
  if (text.size() < 2 || text.size() > 12) return bad();
  std::int64_t number = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size() - 1, number);
  if (ec != std::errc{} || end != text.data() + text.size() - 1 || number < 1) return bad();
  switch (text.back()) {
    case 'm': return std::chrono::seconds{number * 60};
    case 'h': return std::chrono::seconds{number * 3600};
    case 'd': return std::chrono::seconds{number * 86400};
    default: return bad();
  }
}

// The contract without the old runner's leniency: what `read_check_output`
// would warn about is an error here.
Result<CheckResult> parse_check_result(std::string_view output) {
  auto read = read_check_output(output);
  if (!read) return Result<CheckResult>::failure(read.error());
  if (!read->warnings.empty()) return Result<CheckResult>::failure(read->warnings.front());
  return std::move(read->result);
}

}  // namespace notifyd::sdk
