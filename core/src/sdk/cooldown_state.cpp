#include "notifyd/sdk/cooldown_state.hpp"

#include <rapidjson/document.h>

#include "notifyd/sdk/json.hpp"

namespace notifyd::sdk {

std::optional<std::int64_t> parse_cooldown_state(std::string_view text) {
  rapidjson::Document document;
  if (!parse_json(text, document)) return std::nullopt;
  return json_int64_floor(document, "last_sent");
}

std::string cooldown_state_text(std::int64_t unix_seconds) {
  return "{\"last_sent\": " + std::to_string(unix_seconds) + "}\n";
}

}  // namespace notifyd::sdk
