#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "api_answers.hpp"

namespace notifyctl {

/// Lines of stderr `run` shows for a failed run (`logs` shows all the daemon kept).
inline constexpr std::size_t run_stderr_lines = 5;

/// A table of checks: NAME, LAST RUN, OUTCOME, NEXT RUN (and USER first
/// when the list holds several users' checks). Times are relative to `now_ms`.
std::string checks_table(const CheckList& list, std::int64_t now_ms);

/// What one run did, on one line ("revenue_drop: notified (notification 42)"),
/// followed for a failure by the last lines of its stderr.
std::string run_result_text(const notifyd::sdk::RunRecord& run);

/// A check's recent runs, newest first: time, trigger, outcome, exit code,
/// duration, detail and the stderr kept.
std::string runs_text(const RunList& list, std::int64_t now_ms);

/// True for outcomes that mean the check did not do its job:
/// failed, refused, timeout, bad_output.
bool is_failed_outcome(std::string_view outcome);

}  // namespace notifyctl
