// file_freshness: notifies when a file was not modified recently, or is missing.
//
//   [[check]]
//   name = "nightly-export"
//   use = "file_freshness"
//   schedule = "0 * * * *"
//   notify = ["alice"]
//   path = "/data/exports/orders.parquet"
//   max_age = "26h"
#include <sys/stat.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>

#include "notifyd/sdk/sdk.hpp"
#include "notifyd/sdk/settings_schema.hpp"

namespace notifyd::examples {

/// Reports a file (or directory) whose modification time is older than
/// `max_age`, and one that does not exist. Symlinks are followed: the age is
/// the target's.
class FileFreshnessCheck final {
 public:
  /// Called by the host when it loads the check.
  explicit FileFreshnessCheck(sdk::Host& host) : host_(host) {}

  /// The check's own keys in its `[[check]]` table.
  static void describe(sdk::ConfigSchema& schema) { settings_schema().describe(schema); }

  /// Reads the keys; refuses an empty path or a maximum age of zero.
  sdk::Status configure() {
    auto settings = settings_schema().read(host_.config());
    if (!settings) return sdk::Status::failure(settings.error());
    path_ = settings->path;
    max_age_ = settings->max_age;
    return sdk::Status::success();
  }

  /// Stats the file once. A missing file is a notification; a file that
  /// cannot be examined (permissions) is a failed run.
  sdk::Result<sdk::CheckResult> run(const sdk::CheckContext&) {
    using R = sdk::Result<sdk::CheckResult>;
    sdk::CheckResult result;
    struct stat info {};
    if (::stat(path_.c_str(), &info) != 0) {
      const int error = errno;
      if (error != ENOENT && error != ENOTDIR) return R::failure("stat " + path_ + ": " + std::strerror(error));
      result.notify = true;
      result.title = "Missing: " + path_;
      result.message = "`" + path_ + "` does not exist (expected a file modified within the last " +
                       sdk::format_duration(max_age_) + ").";
      result.data_json = "{\"path\":" + sdk::json_quote(path_) + ",\"exists\":false}";
      return result;
    }

    using namespace std::chrono;
    const auto modified = system_clock::time_point{seconds{info.st_mtim.tv_sec}} +
                          duration_cast<system_clock::duration>(nanoseconds{info.st_mtim.tv_nsec});
    const auto age = std::max(milliseconds::zero(), duration_cast<milliseconds>(system_clock::now() - modified));
    result.notify = age > max_age_;
    result.data_json = "{\"path\":" + sdk::json_quote(path_) + ",\"exists\":true,\"modified\":\"" +
                       utc_text(info.st_mtim.tv_sec) + "\",\"age_seconds\":" +
                       std::to_string(duration_cast<seconds>(age).count()) +
                       ",\"max_age_seconds\":" + std::to_string(duration_cast<seconds>(max_age_).count()) + "}";
    if (result.notify) {
      result.title = "Stale: " + path_;
      result.message = "`" + path_ + "` was last modified " + utc_text(info.st_mtim.tv_sec) + ", " +
                       sdk::format_duration(duration_cast<seconds>(age)) + " ago (limit " +
                       sdk::format_duration(max_age_) + ").";
    }
    return result;
  }

 private:
  struct Settings {
    std::string path;
    std::chrono::milliseconds max_age{0};
  };

  static const sdk::SettingsSchema<Settings>& settings_schema() {
    static const auto schema = [] {
      sdk::SettingsSchema<Settings> s("Notifies when a file is older than a maximum age, or missing.");
      s.required_path("path", "The file to watch").into(&Settings::path).not_empty();
      s.duration("max_age", std::chrono::hours{24}, "Notify when the file was last modified longer ago than this")
          .into(&Settings::max_age)
          .positive();
      return s;
    }();
    return schema;
  }

  static std::string utc_text(std::time_t when) {
    std::tm parts{};
    ::gmtime_r(&when, &parts);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &parts);
    return text;
  }

  sdk::Host& host_;
  std::string path_;
  std::chrono::milliseconds max_age_{0};
};

}  // namespace notifyd::examples

NOTIFYD_PLUGIN(notifyd::examples::FileFreshnessCheck, "file_freshness", check)
