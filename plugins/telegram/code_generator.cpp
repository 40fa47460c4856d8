#include "code_generator.hpp"

#include <cstdint>
#include <cstdio>

#include <openssl/rand.h>

namespace notifyd::telegram {

std::optional<std::string> random_code() {
  constexpr std::uint32_t range = 1'000'000;
  constexpr std::uint32_t limit = UINT32_MAX - (UINT32_MAX % range);  // values at or above are redrawn
  for (int attempt = 0; attempt < 64; ++attempt) {
    std::uint32_t value = 0;
    if (RAND_bytes(reinterpret_cast<unsigned char*>(&value), sizeof value) != 1) return std::nullopt;
    if (value >= limit) continue;
    char digits[8];
    std::snprintf(digits, sizeof digits, "%06u", static_cast<unsigned>(value % range));
    return std::string(digits);
  }
  return std::nullopt;
}

}  // namespace notifyd::telegram
