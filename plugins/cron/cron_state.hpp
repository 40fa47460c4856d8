#pragma once
// `cron_state.json`: when each check last fired, so that after downtime a
// missed schedule runs once. Read at start, rewritten after each wake-up that
// fired something:
//   {"version": 1, "checks": {"alice": {"revenue_drop": {"last_fire": 1774746000}}}}
// (`last_fire` in Unix seconds, the schedule slot that fired).

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "check_key.hpp"
#include "notifyd/sdk/status.hpp"

namespace notifyd::cron {

/// Name of the document in the data directory.
inline constexpr std::string_view cron_state_document = "cron_state.json";

/// Largest state document read (bytes).
inline constexpr std::size_t max_cron_state_bytes = 8 * 1024 * 1024;

/// Last fire time (Unix seconds) per check.
using LastFires = std::map<CheckKey, std::int64_t>;

/// Parses the document. Never throws; entries with a wrong shape are skipped,
/// a document that is not a JSON object is an error.
sdk::Result<LastFires> parse_cron_state(std::string_view text);

/// The document for `fires`, pretty enough for people to read and edit.
std::string format_cron_state(const LastFires& fires);

}  // namespace notifyd::cron
