#include "bot_api_client.hpp"

#include <algorithm>
#include <mutex>

#include "bot_url.hpp"

namespace notifyd::telegram {
namespace {

using namespace std::chrono_literals;

constexpr auto longest_connect = 10s;

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

}  // namespace

BotApiClient::BotApiClient(BotEndpoint endpoint) : endpoint_(std::move(endpoint)) {
  global_init();
  easy_ = curl_easy_init();
  multi_ = curl_multi_init();
  if (easy_ == nullptr || multi_ == nullptr) return;
  json_headers_ = curl_slist_append(nullptr, "Content-Type: application/json");
  json_headers_ = curl_slist_append(json_headers_, "Expect:");
  form_headers_ = curl_slist_append(nullptr, "Expect:");
  curl_easy_setopt(easy_, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy_, CURLOPT_WRITEFUNCTION, &BotApiClient::on_data);
  curl_easy_setopt(easy_, CURLOPT_WRITEDATA, this);
  curl_easy_setopt(easy_, CURLOPT_ERRORBUFFER, error_buffer_);
  curl_easy_setopt(easy_, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(easy_, CURLOPT_USERAGENT, "notifyd-telegram");
  curl_easy_setopt(easy_, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(easy_, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(easy_, CURLOPT_ACCEPT_ENCODING, "");
}

BotApiClient::~BotApiClient() {
  if (multi_ != nullptr) curl_multi_cleanup(multi_);
  if (easy_ != nullptr) curl_easy_cleanup(easy_);
  curl_slist_free_all(json_headers_);
  curl_slist_free_all(form_headers_);
}

void BotApiClient::interrupt() noexcept {
  interrupted_ = true;
  if (multi_ != nullptr) curl_multi_wakeup(multi_);
}

std::size_t BotApiClient::on_data(char* data, std::size_t size, std::size_t count, void* self) noexcept {
  auto* client = static_cast<BotApiClient*>(self);
  const std::size_t bytes = size * count;
  if (client->response_.size() + bytes > max_reply_bytes) {
    client->response_too_large_ = true;
    return 0;
  }
  try {
    client->response_.append(data, bytes);
  } catch (...) {
    return 0;
  }
  return bytes;
}

ApiReply BotApiClient::call(std::string_view method, std::string_view json_body, std::chrono::milliseconds timeout) {
  if (easy_ == nullptr || multi_ == nullptr) return transport_failure("libcurl could not be initialised");
  request_body_.assign(json_body);
  curl_easy_setopt(easy_, CURLOPT_MIMEPOST, static_cast<curl_mime*>(nullptr));
  curl_easy_setopt(easy_, CURLOPT_POST, 1L);
  curl_easy_setopt(easy_, CURLOPT_POSTFIELDS, request_body_.c_str());
  curl_easy_setopt(easy_, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request_body_.size()));
  curl_easy_setopt(easy_, CURLOPT_HTTPHEADER, json_headers_);
  return perform(method, timeout);
}

ApiReply BotApiClient::upload(std::string_view method, const std::vector<std::pair<std::string, std::string>>& fields,
                              std::string_view file_field, std::string_view file_bytes, std::string_view file_name,
                              std::string_view mime_type) {
  if (easy_ == nullptr || multi_ == nullptr) return transport_failure("libcurl could not be initialised");
  curl_mime* mime = curl_mime_init(easy_);
  if (mime == nullptr) return transport_failure("cannot build a multipart body");
  for (const auto& [name, value] : fields) {
    curl_mimepart* part = curl_mime_addpart(mime);
    curl_mime_name(part, name.c_str());
    curl_mime_data(part, value.data(), value.size());
  }
  curl_mimepart* file = curl_mime_addpart(mime);
  curl_mime_name(file, std::string(file_field).c_str());
  curl_mime_data(file, file_bytes.data(), file_bytes.size());
  curl_mime_filename(file, std::string(file_name).c_str());
  curl_mime_type(file, std::string(mime_type).c_str());
  curl_easy_setopt(easy_, CURLOPT_POSTFIELDS, static_cast<char*>(nullptr));
  curl_easy_setopt(easy_, CURLOPT_HTTPHEADER, form_headers_);
  curl_easy_setopt(easy_, CURLOPT_MIMEPOST, mime);
  ApiReply reply = perform(method, std::chrono::milliseconds{0});
  curl_easy_setopt(easy_, CURLOPT_MIMEPOST, static_cast<curl_mime*>(nullptr));
  curl_mime_free(mime);
  return reply;
}

ApiReply BotApiClient::perform(std::string_view method, std::chrono::milliseconds timeout) {
  const std::string what = "POST " + redacted_path(method);
  if (interrupted_) return transport_failure(what + ": interrupted (stopping)", true);
  if (timeout.count() <= 0) timeout = endpoint_.request_timeout;
  const std::string url = method_url(endpoint_.base_url, endpoint_.token, method);
  response_.clear();
  response_too_large_ = false;
  error_buffer_[0] = '\0';
  curl_easy_setopt(easy_, CURLOPT_URL, url.c_str());
  curl_easy_setopt(easy_, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(easy_, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(std::min<std::chrono::milliseconds>(timeout, longest_connect).count()));
  if (curl_multi_add_handle(multi_, easy_) != CURLM_OK) return transport_failure(what + ": cannot start the request");
  int running = 1;
  CURLMcode multi_error = CURLM_OK;
  while (running > 0 && !interrupted_) {
    multi_error = curl_multi_perform(multi_, &running);
    if (multi_error != CURLM_OK || running == 0) break;
    multi_error = curl_multi_poll(multi_, nullptr, 0, 1000, nullptr);
    if (multi_error != CURLM_OK) break;
  }
  CURLcode result = CURLE_OK;
  bool finished = false;
  int queued = 0;
  while (CURLMsg* message = curl_multi_info_read(multi_, &queued)) {
    if (message->msg == CURLMSG_DONE && message->easy_handle == easy_) {
      result = message->data.result;
      finished = true;
    }
  }
  curl_multi_remove_handle(multi_, easy_);
  if (!finished) {
    if (interrupted_) return transport_failure(what + ": interrupted (stopping)", true);
    return transport_failure(what + ": " + curl_multi_strerror(multi_error));
  }
  if (response_too_large_) {
    return transport_failure(what + ": reply larger than " + std::to_string(max_reply_bytes >> 20) + " MiB");
  }
  if (result != CURLE_OK) {
    std::string error = what + ": " + curl_easy_strerror(result);
    if (error_buffer_[0] != '\0') error += " (" + std::string(error_buffer_) + ")";
    return transport_failure(redact(std::move(error), endpoint_.token));
  }
  long status = 0;
  curl_easy_getinfo(easy_, CURLINFO_RESPONSE_CODE, &status);
  ApiReply reply = parse_api_reply(status, response_);
  reply.description = redact(std::move(reply.description), endpoint_.token);
  return reply;
}

}  // namespace notifyd::telegram
