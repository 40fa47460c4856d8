#pragma once
// Decoding of an HTTP request target (`/v1/history?user=alice&limit=10`).

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "notifyd/sdk/percent_decode.hpp"

namespace notifyd::socket_api {

/// A request target split into its decoded path and query parameters.
struct RequestTarget {
  std::string path;                                        ///< percent-decoded, no query
  std::map<std::string, std::string, std::less<>> query;   ///< decoded; the first of repeated names wins
};

using sdk::percent_decode;

/// Splits and decodes an origin-form target (it must start with `/`). A
/// fragment is dropped. nullopt when the target is malformed.
std::optional<RequestTarget> parse_request_target(std::string_view target);

}  // namespace notifyd::socket_api
