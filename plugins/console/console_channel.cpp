// The console channel: prints every delivered notification on stdout, so a
// daemon without a Telegram token still shows what it would send.
#include <unistd.h>

#include <algorithm>

#include "console_format.hpp"
#include "notifyd/sdk/sdk.hpp"

namespace notifyd::console {

class ConsoleChannel final : public sdk::Channel {
 public:
  explicit ConsoleChannel(sdk::Host& host) : host_(host), users_(host.config().strings("users")) {}

  static void describe(sdk::ConfigSchema& schema) {
    schema.summary("Prints each delivered notification on the daemon's stdout.")
        .string_list("users", {}, "Users this channel reaches; empty = every user")
        .string("format", "text", "text (for people) or json (one object per line)");
  }

  sdk::Status configure() noexcept override {
    const auto& format = host_.config().string("format");
    if (format != "text" && format != "json") {
      return sdk::Status::failure("`format` must be \"text\" or \"json\", got \"" + format + "\"");
    }
    json_ = format == "json";
    return sdk::Status::success();
  }

  sdk::Status start() noexcept override {
    host_.log().info("printing notifications for ", users_.empty() ? std::string("every user") : std::to_string(users_.size()) + " users");
    return sdk::Status::success();
  }

  void stop(std::function<void()> done) noexcept override { done(); }

  bool reaches(std::string_view user) const noexcept override {
    return users_.empty() || std::find(users_.begin(), users_.end(), user) != users_.end();
  }

  void deliver(sdk::Delivery delivery, std::function<void(sdk::DeliveryResult)> done) noexcept override {
    try {
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
    } catch (const std::exception& e) {
      done(sdk::DeliveryResult::retry(e.what()));
    }
  }

 private:
  sdk::Host& host_;
  std::vector<std::string> users_;
  bool json_ = false;
};

}  // namespace notifyd::console

NOTIFYD_PLUGIN(notifyd::console::ConsoleChannel, "console", channel)
