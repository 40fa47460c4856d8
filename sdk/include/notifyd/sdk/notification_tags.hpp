#pragma once
// A notification's tags: short labels the sender attaches (`backup`,
// `disk-full`), shown by channels and used to filter history.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "notifyd/sdk/status.hpp"

namespace notifyd::sdk {

/// Most tags one notification carries.
inline constexpr std::size_t max_tags = 10;
/// Longest tag, in bytes of UTF-8.
inline constexpr std::size_t max_tag_bytes = 64;

/// One tag as given, checked: surrounding white space removed, then 1 to
/// `max_tag_bytes` bytes of valid UTF-8 with no control character and no
/// comma (a list of tags travels comma-separated in an HTTP header). The
/// failure says what is wrong, quoting the tag: `tag "a,b" contains a comma`.
Result<std::string> normalized_tag(std::string_view tag);

/// A notification's tags from a list: each one `normalized_tag`, repeats
/// dropped (the first kept), at most `max_tags`. The failure names the
/// first problem.
Result<std::vector<std::string>> normalized_tags(const std::vector<std::string>& tags);

/// Tags written as one comma-separated text (`backup, nightly`), as an HTTP
/// `Tags` header or a query parameter carries them; empty text is no tags.
Result<std::vector<std::string>> parse_tag_list(std::string_view text);

}  // namespace notifyd::sdk
