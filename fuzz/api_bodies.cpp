// The socket API's request bodies: `POST /send` and `/send_photo` (seed),
// `POST /v1/notify`, and the untrusted-JSON reader under them. A body is
// either a complete, bounded request or a 400/413/415 with a JSON error; the
// `data` object kept from a notify body, and any JSON written compactly,
// reads back as the same JSON (numbers to RapidJSON's precision).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <rapidjson/document.h>

#include "fuzz/fuzz_check.hpp"
#include "fuzz/json_checks.hpp"
#include "notifyd/sdk/base64.hpp"
#include "notifyd/sdk/json.hpp"
#include "notifyd/sdk/user_name.hpp"
#include "notifyd/sdk/api/send_requests.hpp"

namespace api = notifyd::sdk::api;
namespace sdk = notifyd::sdk;

namespace {

constexpr std::uint64_t image_max_bytes = 2048;

template <class T>
void check_refusal(const notifyd::sdk::Validated<T>& parsed) {
  if (parsed) return;
  const auto status = parsed.error().status;
  FUZZ_CHECK(status == 400 || status == 413 || status == 415);
  rapidjson::Document error;
  FUZZ_CHECK(sdk::parse_json(parsed.error().body, error) && error.IsObject() && error.HasMember("error"));
}

void check_user(const std::string& user) {
  FUZZ_CHECK(sdk::is_valid_user_name(user));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);

  rapidjson::Document document;
  if (sdk::parse_json(body, document)) {
    const std::string compact = sdk::json_text(document);
    rapidjson::Document again;
    FUZZ_CHECK(sdk::parse_json(compact, again));
    FUZZ_CHECK(notifyd::fuzz::same_json(again, document));
  }

  const auto send = api::parse_send_body(body);
  check_refusal(send);
  if (send) {
    check_user(send.value().notification.user);
    FUZZ_CHECK(!send.value().notification.message.empty());
    FUZZ_CHECK(send.value().notification.source == "api");
  }

  const auto photo = api::parse_send_photo_body(body);
  check_refusal(photo);
  if (photo) {
    check_user(photo.value().user);
    FUZZ_CHECK(!photo.value().photo_path.empty());
  }

  const auto notify = api::parse_notify_body(body, image_max_bytes);
  check_refusal(notify);
  if (notify) {
    const auto& request = notify.value();
    check_user(request.notification.user);
    FUZZ_CHECK(!request.notification.source.empty() && request.notification.source.size() <= api::max_source_bytes);
    FUZZ_CHECK(!request.notification.message.empty() || request.image.has_value());
    FUZZ_CHECK(request.channels.size() <= api::max_channel_names);
    if (request.image) {
      FUZZ_CHECK(!request.image->bytes.empty() && request.image->bytes.size() <= image_max_bytes);
      FUZZ_CHECK(request.notification.image_type == request.image->type);
    }
    if (!request.notification.data_json.empty()) {
      rapidjson::Document stored;
      FUZZ_CHECK(sdk::parse_json(request.notification.data_json, stored) && stored.IsObject());
      rapidjson::Document sent;
      sent.Parse(body.data(), body.size());
      FUZZ_CHECK(notifyd::fuzz::same_json(stored, sent["data"]));
    }
  }

  if (const auto decoded = sdk::base64_decode_lenient(body)) FUZZ_CHECK(decoded->size() <= size / 4 * 3 + 2);
  return 0;
}
