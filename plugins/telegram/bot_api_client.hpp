#pragma once

#include <atomic>
#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <curl/curl.h>

#include "api_reply.hpp"

namespace notifyd::telegram {

/// Where the Bot API is and how long a request may take.
struct BotEndpoint {
  std::string base_url;  ///< e.g. https://api.telegram.org, no trailing slash
  std::string token;
  std::chrono::milliseconds request_timeout{10000};
};

/// A blocking Bot API client over one libcurl easy handle driven by its own
/// multi handle: the connection is kept and reused between calls, and
/// `interrupt()` cuts a call in flight short at once (curl_multi_wakeup).
/// One per thread; never call it on the io_context. Error texts name the
/// request as `/bot<redacted>/<method>`; the token never appears in them.
class BotApiClient {
 public:
  explicit BotApiClient(BotEndpoint endpoint);
  ~BotApiClient();
  BotApiClient(const BotApiClient&) = delete;
  BotApiClient& operator=(const BotApiClient&) = delete;

  /// POSTs `json_body` to `method` and waits at most `timeout` (0 = the endpoint's request timeout).
  ApiReply call(std::string_view method, std::string_view json_body,
                std::chrono::milliseconds timeout = std::chrono::milliseconds{0});
  /// POSTs a multipart form (`fields` plus the file part `file_field`) to `method`.
  ApiReply upload(std::string_view method, const std::vector<std::pair<std::string, std::string>>& fields,
                  std::string_view file_field, std::string_view file_bytes, std::string_view file_name,
                  std::string_view mime_type);
  /// Makes the call in flight, and every later one, return at once with
  /// `interrupted` set. Safe from any thread while the client exists.
  void interrupt() noexcept;

 private:
  ApiReply perform(std::string_view method, std::chrono::milliseconds timeout);
  static std::size_t on_data(char* data, std::size_t size, std::size_t count, void* self) noexcept;

  BotEndpoint endpoint_;
  CURL* easy_ = nullptr;
  CURLM* multi_ = nullptr;
  curl_slist* json_headers_ = nullptr;
  curl_slist* form_headers_ = nullptr;
  std::atomic<bool> interrupted_{false};
  std::string request_body_;
  std::string response_;
  bool response_too_large_ = false;
  char error_buffer_[CURL_ERROR_SIZE] = {};
};

}  // namespace notifyd::telegram
