#include "cron_state.hpp"

// Boost.JSON, header-only: its implementation is compiled into this file only.
#include <boost/json/src.hpp>

namespace notifyd::cron {
namespace {

// Deepest nesting parsed; the document itself needs 4.
constexpr std::size_t max_depth = 16;

std::string quoted(std::string_view text) { return boost::json::serialize(boost::json::string_view(text.data(), text.size())); }

}  // namespace

sdk::Result<LastFires> parse_cron_state(std::string_view text) {
  using R = sdk::Result<LastFires>;
  if (text.size() > max_cron_state_bytes) return R::failure("larger than " + std::to_string(max_cron_state_bytes) + " bytes");
  boost::json::parse_options options;
  options.max_depth = max_depth;
  boost::system::error_code ec;
  boost::json::value document;
  try {
    document = boost::json::parse(boost::json::string_view(text.data(), text.size()), ec, {}, options);
  } catch (const std::exception& e) {
    return R::failure(std::string("cannot be parsed: ") + e.what());
  }
  if (ec) return R::failure("not valid JSON: " + ec.message());
  if (!document.is_object()) return R::failure("not a JSON object");
  LastFires fires;
  const auto* checks = document.as_object().if_contains("checks");
  if (checks == nullptr || !checks->is_object()) return fires;
  for (const auto& user : checks->as_object()) {
    if (!user.value().is_object()) continue;
    for (const auto& check : user.value().as_object()) {
      if (!check.value().is_object()) continue;
      const auto* last_fire = check.value().as_object().if_contains("last_fire");
      if (last_fire == nullptr || !last_fire->is_int64()) continue;
      fires[CheckKey{std::string(user.key()), std::string(check.key())}] = last_fire->as_int64();
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
      out += "    " + quoted(key.user) + ": {\n";
      open_user = &key.user;
    } else {
      out += ",\n";
    }
    out += "      " + quoted(key.name) + ": {\"last_fire\": " + std::to_string(at) + "}";
  }
  out += open_user == nullptr ? "}\n}\n" : "\n    }\n  }\n}\n";
  return out;
}

}  // namespace notifyd::cron
