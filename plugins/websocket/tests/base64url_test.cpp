#include <catch2/catch.hpp>

#include "base64url.hpp"

using namespace notifyd::websocket;

TEST_CASE("base64url encodes without padding in the URL-safe alphabet", "[base64url]") {
  CHECK(base64url_encode("") == "");
  CHECK(base64url_encode("f") == "Zg");
  CHECK(base64url_encode("fo") == "Zm8");
  CHECK(base64url_encode("foo") == "Zm9v");
  CHECK(base64url_encode("\xfb\xff\xbf") == "-_-_");
}

TEST_CASE("base64url decodes what it encodes, byte for byte", "[base64url]") {
  std::string all;
  for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
  for (std::size_t n = 0; n <= all.size(); n += 37) {
    const auto text = all.substr(0, n);
    CHECK(base64url_decode(base64url_encode(text)) == text);
  }
}

TEST_CASE("base64url refuses padding, other alphabets, bad lengths and non-canonical bits", "[base64url]") {
  CHECK_FALSE(base64url_decode("Zg=="));
  CHECK_FALSE(base64url_decode("+/+/"));
  CHECK_FALSE(base64url_decode("Z"));
  CHECK_FALSE(base64url_decode("Zh"));  // 'h' leaves non-zero unused bits
  CHECK_FALSE(base64url_decode("Zm9v\n"));
  CHECK(base64url_decode("") == std::string());
}
