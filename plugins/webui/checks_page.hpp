#pragma once
// The Checks page: every check of the user, "Run now", recent runs.

#include <string>
#include <string_view>
#include <vector>

#include "notifyd/sdk/check_service.hpp"

namespace notifyd::webui {

/// Runs listed under each check.
inline constexpr std::uint32_t recent_runs_shown = 5;
/// Checks listed on the page at most.
inline constexpr std::size_t checks_shown = 200;

/// One check with its recent runs, newest first.
struct CheckView {
  sdk::CheckStatus status;
  std::vector<sdk::RunRecord> runs;
};

/// `ok`, `bad` or `` (neutral): how a run outcome is coloured.
std::string_view outcome_tone(std::string_view outcome) noexcept;

/// The page's main content.
std::string render_checks_page(const std::vector<CheckView>& checks);

}  // namespace notifyd::webui
