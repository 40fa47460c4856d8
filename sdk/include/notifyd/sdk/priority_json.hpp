#pragma once
// `priority` and `tags` read from a JSON request or a script's output. RapidJSON
// types; a plugin that includes this adds RapidJSON's include directory.

#include <string>
#include <vector>

#include <rapidjson/document.h>

#include "notifyd/sdk/priority.hpp"
#include "notifyd/sdk/status.hpp"

namespace notifyd::sdk {

/// A JSON `priority`: an integer 1–5 (`5.0` counts) or a string
/// `parse_priority` accepts. The failure says what was wrong without naming
/// the field, for the caller to wrap: `expected 1-5 or min, low, default,
/// high, urgent (max), got "loud"`.
Result<Priority> priority_from_json(const rapidjson::Value& value);

/// A JSON `tags`: an array of strings, checked with `normalized_tags`. The
/// failure names the problem: `expected an array of strings`, `tag "a,b"
/// contains a comma`.
Result<std::vector<std::string>> tags_from_json(const rapidjson::Value& value);

}  // namespace notifyd::sdk
