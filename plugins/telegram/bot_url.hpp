#pragma once
// The token is part of every Bot API URL; these keep it out of every message.

#include <string>
#include <string_view>

namespace notifyd::telegram {

/// `<base>/bot<token>/<method>`: the URL a request goes to. Never log it.
std::string method_url(std::string_view base_url, std::string_view token, std::string_view method);

/// `/bot<redacted>/<method>`: how a request is named in logs and errors.
std::string redacted_path(std::string_view method);

/// `text` with every occurrence of `token` replaced by `<redacted>`.
std::string redact(std::string text, std::string_view token);

}  // namespace notifyd::telegram
