#pragma once
// Decoding of an HTTP request target (`/v1/history?user=alice&limit=10`).

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace notifyd::socket_api {

/// A request target split into its decoded path and query parameters.
struct RequestTarget {
  std::string path;                                        ///< percent-decoded, no query
  std::map<std::string, std::string, std::less<>> query;   ///< decoded; the first of repeated names wins
};

/// Decodes `%XX` escapes (and `+` as a space when `plus_is_space`). nullopt on
/// a malformed escape or a decoded NUL byte.
std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space);

/// Splits and decodes an origin-form target (it must start with `/`). A
/// fragment is dropped. nullopt when the target is malformed.
std::optional<RequestTarget> parse_request_target(std::string_view target);

}  // namespace notifyd::socket_api
