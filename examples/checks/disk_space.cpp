// disk_space: notifies when the filesystem holding a path runs low on free space.
//
//   [[check]]
//   name = "root-disk"
//   use = "disk_space"
//   schedule = "*/10 * * * *"
//   notify = ["ops"]
//   path = "/"
//   min_free_percent = 10
#include <sys/statvfs.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "notifyd/sdk/sdk.hpp"
#include "notifyd/sdk/settings_schema.hpp"

namespace notifyd::examples {

/// Reports a filesystem with less than `min_free_percent` of its space free,
/// counted as `df` does: space available to ordinary users against used plus
/// that space (blocks reserved for root count as neither).
class DiskSpaceCheck final {
 public:
  /// Called by the host when it loads the check.
  explicit DiskSpaceCheck(sdk::Host& host) : host_(host) {}

  /// The check's own keys in its `[[check]]` table.
  static void describe(sdk::ConfigSchema& schema) { settings_schema().describe(schema); }

  /// Reads the keys; refuses a percentage outside 0..100.
  sdk::Status configure() {
    auto settings = settings_schema().read(host_.config());
    if (!settings) return sdk::Status::failure(settings.error());
    path_ = settings->path;
    min_free_percent_ = settings->min_free_percent;
    return sdk::Status::success();
  }

  /// Reads the filesystem's counters once; a path that cannot be read is a failed run.
  sdk::Result<sdk::CheckResult> run(const sdk::CheckContext&) {
    using R = sdk::Result<sdk::CheckResult>;
    struct statvfs fs {};
    if (::statvfs(path_.c_str(), &fs) != 0) {
      return R::failure("statvfs " + path_ + ": " + std::strerror(errno));
    }
    const double block = static_cast<double>(fs.f_frsize);
    const double available = static_cast<double>(fs.f_bavail) * block;
    const double used = static_cast<double>(fs.f_blocks - fs.f_bfree) * block;
    if (used + available <= 0) {
      return R::failure(path_ + " is on a filesystem without a size (a pseudo-filesystem such as /proc?)");
    }
    const double free_percent = available / (used + available) * 100;

    sdk::CheckResult result;
    result.notify = free_percent < static_cast<double>(min_free_percent_);
    result.data_json = "{\"path\":" + sdk::json_quote(path_) +
                       ",\"free_bytes\":" + std::to_string(static_cast<std::uint64_t>(available)) +
                       ",\"size_bytes\":" + std::to_string(static_cast<std::uint64_t>(used + available)) +
                       ",\"free_percent\":" + fixed(free_percent, 2) +
                       ",\"min_free_percent\":" + std::to_string(min_free_percent_) + "}";
    if (result.notify) {
      result.title = "Low disk space on " + path_;
      result.message = "`" + path_ + "` has " + fixed(available / gib, 1) + " GiB free of " +
                       fixed((used + available) / gib, 1) + " GiB (" + fixed(free_percent, 1) +
                       "%), below " + std::to_string(min_free_percent_) + "%.";
    }
    return result;
  }

 private:
  static constexpr double gib = 1024.0 * 1024.0 * 1024.0;

  struct Settings {
    std::string path;
    std::int64_t min_free_percent = 0;
  };

  static const sdk::SettingsSchema<Settings>& settings_schema() {
    static const auto schema = [] {
      sdk::SettingsSchema<Settings> s("Notifies when a filesystem's free space falls below a percentage (statvfs).");
      s.path("path", "/", "Any path on the filesystem to watch").into(&Settings::path);
      s.integer("min_free_percent", 10, "Notify when less than this percentage of the space is free")
          .into(&Settings::min_free_percent)
          .between(0, 100);
      return s;
    }();
    return schema;
  }

  static std::string fixed(double value, int decimals) {
    char text[64];
    std::snprintf(text, sizeof text, "%.*f", decimals, value);
    return text;
  }

  sdk::Host& host_;
  std::string path_;
  std::int64_t min_free_percent_ = 0;
};

}  // namespace notifyd::examples

NOTIFYD_PLUGIN(notifyd::examples::DiskSpaceCheck, "disk_space", check)
