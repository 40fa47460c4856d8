// The console channel: prints every delivered notification on stdout, so a
// daemon without a Telegram token still shows what it would send.
#include <unistd.h>

#include <algorithm>

#include "console_format.hpp"
#include "notifyd/sdk/sdk.hpp"
#include "notifyd/sdk/settings_schema.hpp"

namespace notifyd::console {
namespace {

/// What a console channel instance is configured with.
struct ConsoleSettings {
  std::vector<std::string> users;  ///< empty = every user
  std::string format;              ///< "text" or "json"
};

const sdk::SettingsSchema<ConsoleSettings>& console_settings_schema() {
  static const auto schema = [] {
    sdk::SettingsSchema<ConsoleSettings> s("Prints each delivered notification on the daemon's stdout.");
    s.string_list("users", {}, "Users this channel reaches; empty = every user").into(&ConsoleSettings::users);
    s.string("format", "text", "text (for people) or json (one object per line)")
        .into(&ConsoleSettings::format)
        .one_of({"text", "json"});
    return s;
  }();
  return schema;
}

}  // namespace

class ConsoleChannel final {
 public:
  explicit ConsoleChannel(sdk::Host& host) : host_(host) {}

  static void describe(sdk::ConfigSchema& schema) { console_settings_schema().describe(schema); }

  sdk::Status configure() {
    auto settings = console_settings_schema().read(host_.config());
    if (!settings) return sdk::Status::failure(settings.error());
    settings_ = std::move(settings).value();
    json_ = settings_.format == "json";
    return sdk::Status::success();
  }

  void start() {
    const auto& users = settings_.users;
    host_.log().info("printing notifications for ",
                     users.empty() ? std::string("every user") : std::to_string(users.size()) + " users");
  }

  bool reaches(std::string_view user) const {
    const auto& users = settings_.users;
    return users.empty() || std::find(users.begin(), users.end(), user) != users.end();
  }

  void deliver(sdk::Delivery delivery, std::function<void(sdk::DeliveryResult)> done) {
    const std::string text = json_ ? format_json_line(*delivery.notification) : format_text(*delivery.notification);
    std::size_t written = 0;
    while (written < text.size()) {
      const ssize_t n = ::write(STDOUT_FILENO, text.data() + written, text.size() - written);
      if (n <= 0) {
        done(sdk::DeliveryResult::retry("cannot write to stdout"));
        return;
      }
      written += static_cast<std::size_t>(n);
    }
    done(sdk::DeliveryResult::ok());
  }

 private:
  sdk::Host& host_;
  ConsoleSettings settings_;
  bool json_ = false;
};

}  // namespace notifyd::console

NOTIFYD_PLUGIN(notifyd::console::ConsoleChannel, "console", channel)
