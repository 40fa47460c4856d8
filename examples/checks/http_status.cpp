// http_status: notifies when a URL answers with another status than expected,
// or does not answer at all.
//
//   [[check]]
//   name = "dashboard-up"
//   use = "http_status"
//   schedule = "*/5 * * * *"
//   notify = ["ops"]
//   url = "https://dashboard.example.com/health"
//   expected_status = 200
//   request_timeout = "10s"
#include <curl/curl.h>

#include <algorithm>
#include <atomic>
#include <chrono>

#include "notifyd/sdk/sdk.hpp"
#include "notifyd/sdk/settings_schema.hpp"

namespace notifyd::examples {

/// Sends one GET and compares the response status with `expected_status`. The
/// request never outlives the run by much: a progress callback aborts the
/// transfer as soon as the host cancels the run at its timeout, and libcurl
/// itself gives up after `request_timeout` or a second past the run's timeout.
class HttpStatusCheck final {
 public:
  /// Called by the host when it loads the check.
  explicit HttpStatusCheck(sdk::Host& host) : host_(host) { curl_global_init(CURL_GLOBAL_DEFAULT); }
  ~HttpStatusCheck() { curl_global_cleanup(); }
  HttpStatusCheck(const HttpStatusCheck&) = delete;
  HttpStatusCheck& operator=(const HttpStatusCheck&) = delete;

  /// The check's own keys in its `[[check]]` table. The table's `timeout`
  /// belongs to the host (the whole run); `request_timeout` bounds the request.
  static void describe(sdk::ConfigSchema& schema) { settings_schema().describe(schema); }

  /// Reads the keys; refuses a URL libcurl cannot parse or that is not
  /// http(s), a status outside 100..599 and a timeout of zero.
  sdk::Status configure() {
    auto settings = settings_schema().read(host_.config());
    if (!settings) return sdk::Status::failure(settings.error());
    url_ = settings->url;
    expected_status_ = settings->expected_status;
    request_timeout_ = settings->request_timeout;
    CURLU* parsed = curl_url();
    if (!parsed) return sdk::Status::failure("out of memory");
    char* scheme = nullptr;
    const bool ok = curl_url_set(parsed, CURLUPART_URL, url_.c_str(), 0) == CURLUE_OK &&
                    curl_url_get(parsed, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
                    (std::string_view(scheme) == "http" || std::string_view(scheme) == "https");
    curl_free(scheme);
    curl_url_cleanup(parsed);
    if (!ok) return sdk::Status::failure("`url` must be an http:// or https:// URL, got \"" + url_ + "\"");
    return sdk::Status::success();
  }

  /// Performs the request on the calling worker thread. A failed or timed-out
  /// request is a notification; a cancelled run is a failure.
  sdk::Result<sdk::CheckResult> run(const sdk::CheckContext& context) {
    using R = sdk::Result<sdk::CheckResult>;
    if (is_cancelled(context.cancelled)) return R::failure("cancelled before the request started");
    // The run's own timeout is the host's: it raises `cancelled`, which the
    // progress callback turns into an abort. libcurl's own limit is set a
    // second past it, so that it cannot race the host's timer (a run stopped
    // at its timeout would read as an unreachable URL) yet still bounds a
    // request whose run nobody cancels.
    auto timeout = request_timeout_;
    if (context.timeout > std::chrono::milliseconds::zero()) {
      timeout = std::min(timeout, context.timeout + std::chrono::seconds(1));
    }

    CURL* curl = curl_easy_init();
    if (!curl) return R::failure("curl_easy_init failed");
    Transfer transfer{context.cancelled};
    char error[CURL_ERROR_SIZE] = {};
    curl_easy_setopt(curl, CURLOPT_URL, url_.c_str());
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
    curl_easy_setopt(curl, CURLOPT_USERAGENT, "notifyd-http-status/1");
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &on_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &transfer);
    curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, &on_progress);
    curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &transfer);
    CURLcode code = curl_easy_perform(curl);
    long status = 0;
    curl_off_t elapsed_us = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_getinfo(curl, CURLINFO_TOTAL_TIME_T, &elapsed_us);
    curl_easy_cleanup(curl);

    if (code == CURLE_ABORTED_BY_CALLBACK) return R::failure("cancelled: the run reached its timeout");
    if (code == CURLE_WRITE_ERROR && transfer.body_started) code = CURLE_OK;
    const auto elapsed_ms = static_cast<long long>(elapsed_us / 1000);

    sdk::CheckResult result;
    std::string data = "{\"url\":" + sdk::json_quote(url_) + ",\"expected_status\":" +
                       std::to_string(expected_status_) + ",\"elapsed_ms\":" + std::to_string(elapsed_ms);
    if (code != CURLE_OK) {
      const std::string reason = code == CURLE_OPERATION_TIMEDOUT
                                     ? "no answer within " + sdk::format_duration(timeout)
                                     : std::string(error[0] ? error : curl_easy_strerror(code));
      result.notify = true;
      result.title = url_ + " is unreachable";
      result.message = "`GET " + url_ + "` failed: " + reason + ".";
      result.data_json = data + ",\"status\":null,\"error\":" + sdk::json_quote(reason) + "}";
      return result;
    }
    result.notify = status != expected_status_;
    result.data_json = data + ",\"status\":" + std::to_string(status) + "}";
    if (result.notify) {
      result.title = url_ + " answered " + std::to_string(status);
      result.message = "`GET " + url_ + "` answered " + std::to_string(status) + ", expected " +
                       std::to_string(expected_status_) + " (after " + std::to_string(elapsed_ms) + " ms).";
    }
    return result;
  }

 private:
  struct Settings {
    std::string url;
    std::int64_t expected_status = 0;
    std::chrono::milliseconds request_timeout{0};
  };

  static const sdk::SettingsSchema<Settings>& settings_schema() {
    static const auto schema = [] {
      sdk::SettingsSchema<Settings> s(
          "Notifies when a URL answers another HTTP status than expected, or fails (libcurl).");
      s.required_string("url", "http:// or https:// URL to GET").into(&Settings::url);
      s.integer("expected_status", 200, "The status the URL should answer with")
          .into(&Settings::expected_status)
          .between(100, 599);
      s.duration("request_timeout", std::chrono::seconds{10},
                 "Give up on the request after this long and notify (capped at the run's timeout)")
          .into(&Settings::request_timeout)
          .positive();
      return s;
    }();
    return schema;
  }

  struct Transfer {
    const std::atomic<bool>* cancelled;
    bool body_started = false;
  };

  static bool is_cancelled(const std::atomic<bool>* flag) noexcept {
    return flag && flag->load(std::memory_order_relaxed);
  }

  // Only the status matters: stop at the first body byte (curl then reports a
  // write error, which `run` treats as success).
  static std::size_t on_body(char*, std::size_t, std::size_t, void* user) noexcept {
    static_cast<Transfer*>(user)->body_started = true;
    return 0;
  }

  // Called by libcurl at least about once a second while the transfer lasts.
  static int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) noexcept {
    return is_cancelled(static_cast<Transfer*>(user)->cancelled) ? 1 : 0;
  }

  sdk::Host& host_;
  std::string url_;
  std::int64_t expected_status_ = 0;
  std::chrono::milliseconds request_timeout_{0};
};

}  // namespace notifyd::examples

NOTIFYD_PLUGIN(notifyd::examples::HttpStatusCheck, "http_status", check)
