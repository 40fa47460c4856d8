#include <catch2/catch.hpp>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "jwt.hpp"
#include "notifyd/sdk/base64.hpp"

using namespace notifyd::websocket;
using notifyd::sdk::base64url_encode;

namespace {

constexpr std::int64_t now = 1'700'000'000;
const std::string secret = "s3cret";

// A token with any header and payload JSON, correctly signed with `key`.
std::string signed_token(const std::string& header, const std::string& payload, const std::string& key = secret) {
  const std::string input = base64url_encode(header) + "." + base64url_encode(payload);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(input.data()),
       input.size(), digest, &length);
  return input + "." + base64url_encode(std::string(reinterpret_cast<const char*>(digest), length));
}

std::string hs256(const std::string& payload) { return signed_token(R"({"alg":"HS256","typ":"JWT"})", payload); }

}  // namespace

TEST_CASE("an issued token verifies and says who and until when", "[jwt]") {
  const auto token = issue_jwt("alice", now, now + 3600, secret);
  const auto claims = verify_jwt(token, secret, now);
  REQUIRE(claims);
  CHECK(claims->subject == "alice");
  CHECK(claims->expires_at == now + 3600);
  CHECK(token == hs256(R"({"sub":"alice","iat":1700000000,"exp":1700003600})"));
}

TEST_CASE("a token as the seed's gateway made them (PyJWT, HS256) verifies", "[jwt]") {
  // jwt.encode({"sub": "alice", "exp": 4102444800}, "s3cret", algorithm="HS256")
  const std::string token =
      "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhbGljZSIsImV4cCI6NDEwMjQ0NDgwMH0."
      "qRlbyNdlm8NKK6qruixbCq_HGTQfHHpTaGzC9JqMqVM";
  const auto claims = verify_jwt(token, secret, now);
  INFO(claims.error());
  REQUIRE(claims);
  CHECK(claims->subject == "alice");
  CHECK(claims->expires_at == 4102444800);
}

TEST_CASE("a bad signature, another key or an expired token is refused", "[jwt]") {
  const auto good = issue_jwt("alice", now, now + 60, secret);
  CHECK(verify_jwt(good, "other", now).error() == "Invalid token signature");
  CHECK(verify_jwt(good, secret, now + 60).error() == "Token expired");
  CHECK(verify_jwt(good, secret, now + 6000).error() == "Token expired");
  CHECK(verify_jwt(good, "", now).error() == "Token verification is not configured");

  std::string tampered = good;
  tampered[tampered.size() - 5] = tampered[tampered.size() - 5] == 'A' ? 'B' : 'A';
  CHECK(verify_jwt(tampered, secret, now).error() == "Invalid token signature");

  const std::string swapped = good.substr(0, good.find('.') + 1) + base64url_encode(R"({"sub":"root","exp":4102444800})") +
                              good.substr(good.rfind('.'));
  CHECK(verify_jwt(swapped, secret, now).error() == "Invalid token signature");
  CHECK(verify_jwt(good.substr(0, good.rfind('.') + 1), secret, now).error() == "Invalid token signature");
}

TEST_CASE("alg none and every other algorithm are refused", "[jwt]") {
  const std::string payload = R"({"sub":"alice","exp":4102444800})";
  CHECK(verify_jwt(base64url_encode(R"({"alg":"none"})") + "." + base64url_encode(payload) + ".", secret, now).error() ==
        "Unsupported token algorithm");
  for (const std::string header : {R"({"alg":"none"})", R"({"alg":"HS512"})", R"({"alg":"hs256"})", R"({"typ":"JWT"})",
                                   R"({"alg":["HS256"]})"}) {
    INFO(header);
    CHECK(verify_jwt(signed_token(header, payload), secret, now).error() == "Unsupported token algorithm");
  }
}

TEST_CASE("malformed and huge tokens are refused without crashing", "[jwt]") {
  for (const std::string token : {"", "abc", "a.b", "a.b.c.d", "...", "!!.!!.!!", "e30.e30.", "bm90IGpzb24.e30.e30"}) {
    INFO(token);
    CHECK_FALSE(verify_jwt(token, secret, now));
  }
  CHECK(verify_jwt(std::string(max_token_bytes + 1, 'a'), secret, now).error() == "Token too large");
  CHECK(verify_jwt(std::string(10 << 20, '.'), secret, now).error() == "Token too large");
  CHECK(verify_jwt(signed_token(std::string(1500, '['), "{}"), secret, now).error() == "Malformed token");
  CHECK(verify_jwt(hs256("not json"), secret, now).error() == "Malformed token");
  CHECK(verify_jwt(hs256("[1,2]"), secret, now).error() == "Malformed token");
  CHECK(verify_jwt(hs256(std::string(2000, '[')), secret, now).error() == "Malformed token");
}

TEST_CASE("the payload needs a user name as sub and a numeric exp; nbf is honoured", "[jwt]") {
  CHECK(verify_jwt(hs256(R"({"exp":4102444800})"), secret, now).error() == "Token has no valid subject");
  CHECK(verify_jwt(hs256(R"({"sub":42,"exp":4102444800})"), secret, now).error() == "Token has no valid subject");
  CHECK(verify_jwt(hs256(R"({"sub":"../etc","exp":4102444800})"), secret, now).error() == "Token has no valid subject");
  CHECK(verify_jwt(hs256(R"({"sub":"a b","exp":4102444800})"), secret, now).error() == "Token has no valid subject");
  CHECK(verify_jwt(issue_jwt(std::string(65, 'a'), now, now + 60, secret), secret, now).error() ==
        "Token has no valid subject");
  CHECK(verify_jwt(hs256(R"({"sub":"alice"})"), secret, now).error() == "Token has no expiry");
  CHECK(verify_jwt(hs256(R"({"sub":"alice","exp":"4102444800"})"), secret, now).error() == "Token has no expiry");
  CHECK(verify_jwt(hs256(R"({"sub":"alice","exp":1e400})"), secret, now).error() == "Malformed token");
  CHECK(verify_jwt(hs256(R"({"sub":"alice","exp":1700000000.5})"), secret, now).error() == "Token expired");
  CHECK(verify_jwt(hs256(R"({"sub":"alice","exp":1700000001.5})"), secret, now));
  CHECK(verify_jwt(hs256(R"({"sub":"alice","exp":18446744073709551615})"), secret, now));
  CHECK(verify_jwt(hs256(R"({"sub":"alice","exp":4102444800,"nbf":1700000100})"), secret, now).error() ==
        "Token not yet valid");
  CHECK(verify_jwt(hs256(R"({"sub":"alice","exp":4102444800,"nbf":1699999999})"), secret, now));
}
