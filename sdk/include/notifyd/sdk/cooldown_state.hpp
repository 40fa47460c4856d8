#pragma once
// The seed's per-script cooldown state, `{"last_sent": <unix seconds>}`: the
// file the old runner kept in `~/.notifications/state/<name>.json` and the
// daemon keeps per user and check. Read by core's cooldown ledger and by
// `notifyctl run --local`.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace notifyd::sdk {

/// When the script last sent, from a state file's text; nothing when the text
/// is not such an object. A number with a fraction is rounded down, as the
/// seed's Python may have written `time.time()`.
std::optional<std::int64_t> parse_cooldown_state(std::string_view text);

/// The state file's text for a send at `unix_seconds`: `{"last_sent": 1732543781}` and a newline.
std::string cooldown_state_text(std::int64_t unix_seconds);

}  // namespace notifyd::sdk
