#include "channel_setup.hpp"

#include <memory>

#include "html_text.hpp"
#include "notifyd/sdk/json.hpp"
#include "route_call.hpp"

namespace notifyd::webui {
namespace {

// The parsed answer of a plugin's setup route, or a null document when it has none or answered an error.
using SetupAnswer = std::function<void(const rapidjson::Document*)>;

void ask_route(const sdk::RouteRegistry& routes, const std::string& path, const sdk::Caller& caller,
               SetupAnswer done) {
  const bool asked = call_web_route(routes, "GET", path, caller, [done](sdk::HttpResponse response) {
    rapidjson::Document document;
    const bool parsed = response.status == 200 && sdk::parse_json(response.body, document) && document.IsObject();
    done(parsed ? &document : nullptr);
  });
  if (!asked) done(nullptr);
}

ChannelState state_of(bool present, const rapidjson::Document* answer) {
  if (!present) return ChannelState::absent;
  const bool off = answer != nullptr && !sdk::json_bool(*answer, "configured").value_or(true);
  return off ? ChannelState::off : ChannelState::on;
}

}  // namespace

void ask_channel_setup(const sdk::RouteRegistry& routes, const sdk::Caller& caller,
                       std::function<void(ChannelSetup)> done) {
  const bool telegram = has_web_route(routes, "GET", "/api/telegram/status");
  const bool desktop = has_web_route(routes, "POST", "/api/desktop/token");
  const sdk::RouteRegistry* table = &routes;
  ask_route(routes, "/api/telegram/bot", caller,
            [table, caller, telegram, desktop, done = std::move(done)](const rapidjson::Document* bot) {
              ChannelSetup setup;
              setup.telegram = state_of(telegram, bot);
              if (bot != nullptr && setup.telegram == ChannelState::on) {
                setup.bot_username = sdk::json_string(*bot, "username").value_or("");
                if (!setup.bot_username.empty()) setup.bot_url = "https://t.me/" + url_encode(setup.bot_username);
              }
              ask_route(*table, "/api/desktop/status", caller,
                        [setup, desktop, done](const rapidjson::Document* status) mutable {
                          setup.desktop = state_of(desktop, status);
                          done(std::move(setup));
                        });
            });
}

}  // namespace notifyd::webui
