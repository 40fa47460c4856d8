#pragma once
// A notification's tags as both stores keep them in text: a JSON array of
// strings (SQLite's `tags` column; PostgreSQL's text[] is read and written
// through the same text).

#include <string>
#include <string_view>
#include <vector>

namespace notifyd::core {

/// `["backup","nightly"]`; `[]` for none.
std::string stored_tags_text(const std::vector<std::string>& tags);

/// The tags `stored_tags_text` wrote. Text that is not an array of strings
/// (a row written by hand) reads as no tags; a non-string member is skipped.
std::vector<std::string> tags_from_stored_text(std::string_view text);

}  // namespace notifyd::core
