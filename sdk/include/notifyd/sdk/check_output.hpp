#pragma once
// A script's stdout read the way the seed's notify-runner read it: what that
// runner tolerated still works, and each such departure from the contract is
// named in a warning the run keeps, so its owner can tidy the script.

#include <string>
#include <string_view>
#include <vector>

#include "notifyd/sdk/check_result.hpp"
#include "notifyd/sdk/status.hpp"

namespace notifyd::sdk {

/// What a script reported, and what of it did not follow the contract.
struct CheckOutput {
  CheckResult result;
  /// One sentence per departure: what was wrong and what was made of it,
  /// e.g. "`notify` is missing; read as false, nothing sent". Empty when the
  /// output follows the contract.
  std::vector<std::string> warnings;
};

/// Reads a check's stdout (the whole output as one JSON object, or its last
/// non-empty line) with the old runner's leniency:
/// - empty output is a quiet run;
/// - a missing (or null) `notify` is false;
/// - `cooldown` is trimmed and lower-cased; one that is not `<n>m|h|d` (n ≥ 1),
///   or not a string, is the default 1h;
/// - `notify: true` without `message` sends the title alone, or the image
///   alone; with neither title nor `image_path` nothing is sent (`notify`
///   becomes false);
/// - a relative `image_path` is left out (the old runner sent the text alone);
/// - `priority` (notifyd's addition; 1–5 or `min`, `low`, `default`, `high`,
///   `urgent`/`max`) that cannot be read is the default 3, so a script that
///   printed its own `priority` for other readers still runs;
/// - `tags` (notifyd's addition) that is not an array of strings is no tags,
///   and a tag `normalized_tag` refuses is left out; past `max_tags` the rest
///   are left out.
/// Each of these adds a warning. A failure (the run is `bad_output`) is what
/// the old runner failed on too: output that is not JSON, not one object, or
/// too large; a `notify` that is not a boolean, a text field that is not a
/// string, `data` that is not an object. Never throws. Called by the host's
/// check runner and by `notifyctl run --local`, on any thread.
Result<CheckOutput> read_check_output(std::string_view output);

}  // namespace notifyd::sdk
