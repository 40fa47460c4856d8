#include <catch2/catch.hpp>

#include <string>

#include "notifyd/sdk/base64.hpp"

using notifyd::sdk::base64_decode_lenient;
using notifyd::sdk::base64_encode;
using notifyd::sdk::base64url_decode;
using notifyd::sdk::base64url_encode;

namespace {

std::string every_byte() {
  std::string all;
  for (int value = 0; value < 256; ++value) all += static_cast<char>(value);
  return all;
}

}  // namespace

TEST_CASE("base64 encodes the RFC 4648 test vectors", "[base64]") {
  CHECK(base64_encode("") == "");
  CHECK(base64_encode("f") == "Zg==");
  CHECK(base64_encode("fo") == "Zm8=");
  CHECK(base64_encode("foo") == "Zm9v");
  CHECK(base64_encode("foob") == "Zm9vYg==");
  CHECK(base64_encode("fooba") == "Zm9vYmE=");
  CHECK(base64_encode("foobar") == "Zm9vYmFy");
}

TEST_CASE("base64 encodes bytes above 0x7F and NUL with the standard alphabet", "[base64]") {
  CHECK(base64_encode(std::string("\x00\x01\x02\xfb\xff\xfe", 6)) == "AAEC+//+");
  CHECK(base64_encode(every_byte()) ==
        "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+P0BBQkNERUZHSElKS0xNTk9Q"
        "UVJTVFVWV1hZWltcXV5fYGFiY2RlZmdoaWprbG1ub3BxcnN0dXZ3eHl6e3x9fn+AgYKDhIWGh4iJiouMjY6PkJGSk5SVlpeYmZqbnJ2en6Ch"
        "oqOkpaanqKmqq6ytrq+wsbKztLW2t7i5uru8vb6/wMHCw8TFxsfIycrLzM3Oz9DR0tPU1dbX2Nna29zd3t/g4eLj5OXm5+jp6uvs7e7v8PHy"
        "8/T19vf4+fr7/P3+/w==");
}

TEST_CASE("base64 output length is four characters per started three bytes", "[base64]") {
  for (std::size_t size = 0; size < 20; ++size) {
    CHECK(base64_encode(std::string(size, 'x')).size() == (size + 2) / 3 * 4);
  }
}

TEST_CASE("base64url encodes without padding in the URL-safe alphabet", "[base64url]") {
  CHECK(base64url_encode("") == "");
  CHECK(base64url_encode("f") == "Zg");
  CHECK(base64url_encode("fo") == "Zm8");
  CHECK(base64url_encode("foo") == "Zm9v");
  CHECK(base64url_encode("\xfb\xff\xbf") == "-_-_");
  CHECK(base64url_encode(std::string(32, 'x')).size() == 43);
}

TEST_CASE("base64url decodes what it encodes, byte for byte", "[base64url]") {
  const std::string all = every_byte();
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

TEST_CASE("lenient base64 takes either alphabet, padded or not, with white space", "[base64]") {
  CHECK(base64_decode_lenient("") == std::string());
  CHECK(base64_decode_lenient("QQ==") == std::string("A"));
  CHECK(base64_decode_lenient("QQ") == std::string("A"));
  CHECK(base64_decode_lenient("QUI=") == std::string("AB"));
  CHECK(base64_decode_lenient("QUJD") == std::string("ABC"));
  CHECK(base64_decode_lenient("QU\nJD\r\n") == std::string("ABC"));
  CHECK(base64_decode_lenient("-_8=") == base64_decode_lenient("+/8="));
  CHECK(base64_decode_lenient(base64_encode(every_byte())) == every_byte());
  CHECK(base64_decode_lenient(base64url_encode(every_byte())) == every_byte());
}

TEST_CASE("lenient base64 refuses bad lengths, stray padding and other bytes", "[base64]") {
  CHECK_FALSE(base64_decode_lenient("Q"));
  CHECK_FALSE(base64_decode_lenient("QQ=A"));
  CHECK_FALSE(base64_decode_lenient("QQ==="));
  CHECK_FALSE(base64_decode_lenient("QUJD="));
  CHECK_FALSE(base64_decode_lenient("QU*D"));
}
