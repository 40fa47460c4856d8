#pragma once
// Decoding of request targets (`/history?before=42`) and form bodies.

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "notifyd/sdk/percent_decode.hpp"

namespace notifyd::webui {

/// Decoded `name=value&...` pairs; the first of repeated names wins.
using FormFields = std::map<std::string, std::string, std::less<>>;

/// A request target split into its decoded path and query parameters.
struct RequestTarget {
  std::string path;   ///< percent-decoded, no query
  FormFields query;
};

using sdk::percent_decode;

/// Parses `a=1&b=2` (a query string or an `application/x-www-form-urlencoded`
/// body); nullopt when malformed or when it has more than 64 fields.
std::optional<FormFields> parse_form(std::string_view text);

/// Splits and decodes an origin-form target (it must start with `/`). nullopt when malformed.
std::optional<RequestTarget> parse_request_target(std::string_view target);

}  // namespace notifyd::webui
