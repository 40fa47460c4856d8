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

namespace notifyd::examples {

/// Reports a file (or directory) whose modification time is older than
/// `max_age`, and one that does not exist. Symlinks are followed: the age is
/// the target's.
class FileFreshnessCheck final : public sdk::Check {
 public:
  /// Called by the host when it loads the check.
  explicit FileFreshnessCheck(sdk::Host& host)
      : path_(host.config().string("path")), max_age_(host.config().duration("max_age")) {}

  /// The check's own keys in its `[[check]]` table.
  static void describe(sdk::ConfigSchema& schema) {
    schema.summary("Notifies when a file is older than a maximum age, or missing.")
        .add({"path", sdk::ConfigType::path, {}, "The file to watch", true})
        .duration("max_age", std::chrono::hours{24}, "Notify when the file was last modified longer ago than this");
  }

  /// Refuses an empty path or a maximum age of zero.
  sdk::Status configure() noexcept override {
    if (path_.empty()) return sdk::Status::failure("`path` must name a file");
    if (max_age_ <= std::chrono::milliseconds::zero()) return sdk::Status::failure("`max_age` must be longer than 0");
    return sdk::Status::success();
  }

  /// Stats the file once. A missing file is a notification; a file that
  /// cannot be examined (permissions) is a failed run.
  sdk::Result<sdk::CheckResult> run(const sdk::CheckContext&) noexcept override {
    using R = sdk::Result<sdk::CheckResult>;
    try {
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
    } catch (const std::exception& e) {
      return R::failure(e.what());
    }
  }

 private:
  static std::string utc_text(std::time_t when) {
    std::tm parts{};
    ::gmtime_r(&when, &parts);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &parts);
    return text;
  }

  std::string path_;
  std::chrono::milliseconds max_age_;
};

}  // namespace notifyd::examples

NOTIFYD_PLUGIN(notifyd::examples::FileFreshnessCheck, "file_freshness", check)
