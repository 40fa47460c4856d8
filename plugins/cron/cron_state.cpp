#include "cron_state.hpp"

#include "notifyd/sdk/http.hpp"
#include "notifyd/sdk/json.hpp"

namespace notifyd::cron {
namespace {

// Deepest nesting parsed; the document itself needs 4.
constexpr std::size_t max_depth = 16;

}  // namespace

sdk::Result<LastFires> parse_cron_state(std::string_view text) {
  using R = sdk::Result<LastFires>;
  if (text.size() > max_cron_state_bytes) return R::failure("larger than " + std::to_string(max_cron_state_bytes) + " bytes");
  rapidjson::Document document;
  if (auto parsed = sdk::parse_json(text, document, {max_cron_state_bytes, max_depth}); !parsed) {
    return R::failure("not valid JSON: " + parsed.message);
  }
  if (!document.IsObject()) return R::failure("not a JSON object");
  LastFires fires;
  const auto* checks = sdk::json_member(document, "checks");
  if (checks == nullptr || !checks->IsObject()) return fires;
  for (const auto& user : checks->GetObject()) {
    if (!user.value.IsObject()) continue;
    for (const auto& check : user.value.GetObject()) {
      const auto last_fire = sdk::json_int64(check.value, "last_fire");
      if (!last_fire) continue;
      fires[CheckKey{std::string(user.name.GetString(), user.name.GetStringLength()),
                     std::string(check.name.GetString(), check.name.GetStringLength())}] = *last_fire;
    }
  }
  return fires;
}

std::string format_cron_state(const LastFires& fires) {
  std::string out = "{\n  \"version\": 1,\n  \"checks\": {";
  const std::string* open_user = nullptr;
  for (const auto& [key, at] : fires) {
    if (open_user == nullptr || *open_user != key.user) {
      out += open_user == nullptr ? "\n" : "\n    },\n";
      out += "    " + sdk::json_quote(key.user) + ": {\n";
      open_user = &key.user;
    } else {
      out += ",\n";
    }
    out += "      " + sdk::json_quote(key.name) + ": {\"last_fire\": " + std::to_string(at) + "}";
  }
  out += open_user == nullptr ? "}\n}\n" : "\n    }\n  }\n}\n";
  return out;
}

}  // namespace notifyd::cron
