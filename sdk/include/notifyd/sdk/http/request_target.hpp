#pragma once
// Request targets (`/v1/history?before=42`) and form bodies, decoded with Boost.URL.

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace notifyd::sdk::http {

/// Decoded `name=value&...` pairs; the first of repeated names wins.
using FormFields = std::map<std::string, std::string, std::less<>>;

/// A request target split into its decoded path and query parameters.
struct RequestTarget {
  std::string path;  ///< percent-decoded, without the query
  FormFields query;
};

/// Most fields a query or form may have.
inline constexpr std::size_t max_form_fields = 64;

/// Parses `a=1&b=2` (a query string or an `application/x-www-form-urlencoded`
/// body, `+` meaning a space); nullopt when an escape is malformed, a name or
/// value holds a NUL, or there are more than `max_form_fields` fields.
std::optional<FormFields> parse_form(std::string_view text);

/// Splits and decodes an origin-form target (it starts with `/`; a `#fragment`
/// is ignored). nullopt when malformed, or when the path or the query holds a NUL.
std::optional<RequestTarget> parse_request_target(std::string_view target);

}  // namespace notifyd::sdk::http
