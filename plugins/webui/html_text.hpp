#pragma once
// Text placed into HTML pages.

#include <string>
#include <string_view>

namespace notifyd::webui {

/// `text` safe as HTML element content or a quoted attribute value: `& < > " '`
/// become entities, invalid UTF-8 becomes U+FFFD, control characters other
/// than tab and newline are dropped.
std::string html_escape(std::string_view text);

/// `text` percent-encoded for one URL path segment or query value (RFC 3986 unreserved kept).
std::string url_encode(std::string_view text);

}  // namespace notifyd::webui
