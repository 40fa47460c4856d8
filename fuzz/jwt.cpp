// The desktop app's HS256 tokens. The first input byte picks the form: a raw
// token as a client sends it, or a header and a payload (split at the first
// newline) that this target signs with the right secret, so the claim checks
// behind the signature are reached too. A token that verifies names a valid
// user, has not expired, and re-issued with its claims verifies to the same.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "fuzz/fuzz_check.hpp"
#include "notifyd/sdk/base64.hpp"
#include "notifyd/sdk/user_name.hpp"
#include "plugins/websocket/jwt.hpp"

namespace ws = notifyd::websocket;

namespace {

constexpr std::string_view secret = "fuzzing-secret-of-32-bytes-or-so";
constexpr std::int64_t now = 1'750'000'000;

std::string signed_token(std::string_view header, std::string_view payload) {
  std::string token = notifyd::sdk::base64url_encode(header) + "." + notifyd::sdk::base64url_encode(payload);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()), reinterpret_cast<const unsigned char*>(token.data()),
       token.size(), digest, &length);
  return token + "." + notifyd::sdk::base64url_encode(std::string_view(reinterpret_cast<const char*>(digest), length));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::string token;
  if (data[0] % 2 == 0) {
    token.assign(input);
  } else {
    const auto newline = input.find('\n');
    if (newline == std::string_view::npos) return 0;
    token = signed_token(input.substr(0, newline), input.substr(newline + 1));
  }
  const auto verified = ws::verify_jwt(token, secret, now);
  FUZZ_CHECK(!ws::verify_jwt(token, "", now));
  if (!verified) {
    FUZZ_CHECK(!verified.error().empty());
    return 0;
  }
  const auto& claims = verified.value();
  FUZZ_CHECK(token.size() <= ws::max_token_bytes);
  FUZZ_CHECK(notifyd::sdk::is_valid_user_name(claims.subject));
  FUZZ_CHECK(claims.expires_at > now);
  const auto again = ws::verify_jwt(ws::issue_jwt(claims.subject, now, claims.expires_at, secret), secret, now);
  FUZZ_CHECK(again && again.value().subject == claims.subject && again.value().expires_at == claims.expires_at);
  return 0;
}
