#pragma once
// How notifyctl shows an answer as it came: a refusal as one line, a body as
// pretty-printed JSON (`request`, and `--json` callers of the codecs).

#include <optional>
#include <string>
#include <string_view>

namespace notifyctl {

/// Why the daemon refused, for `notifyctl: <this>`: the `error` of a
/// `{"error": "..."}` body (else the body's first line, else the reason
/// phrase), followed by "(HTTP <status>)".
std::string describe_refusal(unsigned status, std::string_view reason, std::string_view body);

/// Pretty-printed JSON, or nothing when `body` is not JSON.
std::optional<std::string> pretty_json(std::string_view body);

}  // namespace notifyctl
