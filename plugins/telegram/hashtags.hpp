#pragma once
// A notification's tags as the hashtags a Telegram user searches and taps.

#include <string>
#include <vector>

namespace notifyd::telegram {

/// `#backup #disk_full` for the tags `backup` and `disk-full`: each tag after
/// a `#`, with every ASCII character Telegram ends a hashtag at (anything but
/// a letter, digit or `_`) written as `_`; letters of other scripts are kept.
/// Empty for no tags. Unescaped: the caller escapes it for the message's format.
std::string hashtag_line(const std::vector<std::string>& tags);

}  // namespace notifyd::telegram
