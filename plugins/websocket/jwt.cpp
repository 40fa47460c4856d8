#include "jwt.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cmath>
#include <limits>
#include <optional>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "notifyd/sdk/base64.hpp"
#include "notifyd/sdk/json.hpp"
#include "notifyd/sdk/user_name.hpp"

namespace notifyd::websocket {
namespace {

using Failure = sdk::Result<JwtClaims>;

constexpr std::size_t sha256_bytes = 32;

std::optional<std::string> hmac_sha256(std::string_view key, std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (!HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
            data.size(), digest, &length) ||
      length != sha256_bytes) {
    return std::nullopt;
  }
  return std::string(reinterpret_cast<const char*>(digest), length);
}

// A JSON object from a decoded token part.
bool parse_object(const std::string& text, rapidjson::Document& document) {
  return sdk::parse_json(text, document) && document.IsObject();
}

// A NumericDate (seconds, possibly fractional) as whole seconds, rounded down.
std::optional<std::int64_t> numeric_date(const rapidjson::Value& value) {
  if (value.IsInt64()) return value.GetInt64();
  if (value.IsUint64()) return std::numeric_limits<std::int64_t>::max();
  if (value.IsDouble()) {
    const double d = value.GetDouble();
    if (!std::isfinite(d)) return std::nullopt;
    if (d >= 9.0e18) return std::numeric_limits<std::int64_t>::max();
    if (d <= -9.0e18) return std::numeric_limits<std::int64_t>::min();
    return static_cast<std::int64_t>(std::floor(d));
  }
  return std::nullopt;
}

}  // namespace

sdk::Result<JwtClaims> verify_jwt(std::string_view token, std::string_view secret, std::int64_t now) {
  if (secret.empty()) return Failure::failure("Token verification is not configured");
  if (token.empty()) return Failure::failure("Missing token");
  if (token.size() > max_token_bytes) return Failure::failure("Token too large");
  const auto first_dot = token.find('.');
  const auto second_dot = first_dot == std::string_view::npos ? first_dot : token.find('.', first_dot + 1);
  if (second_dot == std::string_view::npos || token.find('.', second_dot + 1) != std::string_view::npos) {
    return Failure::failure("Malformed token");
  }
  const std::string_view header_part = token.substr(0, first_dot);
  const std::string_view payload_part = token.substr(first_dot + 1, second_dot - first_dot - 1);
  const std::string_view signature_part = token.substr(second_dot + 1);

  const auto header_text = sdk::base64url_decode(header_part);
  rapidjson::Document header;
  if (!header_text || !parse_object(*header_text, header)) return Failure::failure("Malformed token");
  const auto alg = header.FindMember("alg");
  if (alg == header.MemberEnd() || !alg->value.IsString() ||
      std::string_view(alg->value.GetString(), alg->value.GetStringLength()) != "HS256") {
    return Failure::failure("Unsupported token algorithm");
  }

  const auto signature = sdk::base64url_decode(signature_part);
  if (!signature || signature->size() != sha256_bytes) return Failure::failure("Invalid token signature");
  const auto expected = hmac_sha256(secret, token.substr(0, second_dot));
  if (!expected || CRYPTO_memcmp(expected->data(), signature->data(), sha256_bytes) != 0) {
    return Failure::failure("Invalid token signature");
  }

  const auto payload_text = sdk::base64url_decode(payload_part);
  rapidjson::Document payload;
  if (!payload_text || !parse_object(*payload_text, payload)) return Failure::failure("Malformed token");
  const auto sub = payload.FindMember("sub");
  if (sub == payload.MemberEnd() || !sub->value.IsString() ||
      !sdk::is_valid_user_name(std::string_view(sub->value.GetString(), sub->value.GetStringLength()))) {
    return Failure::failure("Token has no valid subject");
  }
  const auto exp = payload.FindMember("exp");
  const auto expires_at = exp == payload.MemberEnd() ? std::nullopt : numeric_date(exp->value);
  if (!expires_at) return Failure::failure("Token has no expiry");
  if (*expires_at <= now) return Failure::failure("Token expired");
  if (const auto nbf = payload.FindMember("nbf"); nbf != payload.MemberEnd()) {
    const auto not_before = numeric_date(nbf->value);
    if (!not_before || *not_before > now) return Failure::failure("Token not yet valid");
  }
  return JwtClaims{std::string(sub->value.GetString(), sub->value.GetStringLength()), *expires_at};
}

std::string issue_jwt(std::string_view subject, std::int64_t issued_at, std::int64_t expires_at,
                      std::string_view secret) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartObject();
  writer.Key("sub");
  writer.String(subject.data(), static_cast<rapidjson::SizeType>(subject.size()));
  writer.Key("iat");
  writer.Int64(issued_at);
  writer.Key("exp");
  writer.Int64(expires_at);
  writer.EndObject();
  std::string signing_input = sdk::base64url_encode(R"({"alg":"HS256","typ":"JWT"})") + "." +
                              sdk::base64url_encode(std::string_view(buffer.GetString(), buffer.GetSize()));
  const auto signature = hmac_sha256(secret, signing_input);
  return signing_input + "." + sdk::base64url_encode(signature.value_or(std::string()));
}

}  // namespace notifyd::websocket
