#include "random_token.hpp"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <algorithm>
#include <stdexcept>
#include <vector>

#include "notifyd/sdk/base64.hpp"

namespace notifyd::webui {

std::string random_token(std::size_t bytes) {
  std::vector<unsigned char> raw(bytes);
  if (bytes == 0 || RAND_bytes(raw.data(), static_cast<int>(raw.size())) != 1) {
    throw std::runtime_error("the random number generator failed");
  }
  return sdk::base64url_encode(std::string_view(reinterpret_cast<const char*>(raw.data()), raw.size()));
}

std::string token_digest(std::string_view token, std::string_view purpose) {
  std::string input(purpose);
  input += '\0';
  input += token;
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(input.data()), input.size(), digest);
  OPENSSL_cleanse(input.data(), input.size());
  return sdk::base64url_encode(std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
}

bool same_secret(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size() || a.empty()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

bool looks_like_token(std::string_view text) noexcept {
  if (text.size() < 16 || text.size() > 128) return false;
  return std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  });
}

}  // namespace notifyd::webui
