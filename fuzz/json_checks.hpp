#pragma once
// JSON read back after it was written: the same values, in the same order.
// Numbers may differ in their last bits: RapidJSON 1.1.0 reads long ones
// without full precision (and its full-precision path misreads `0e90`).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>

#include <rapidjson/document.h>

namespace notifyd::fuzz {

// How far apart (in units in the last place) two readings of one number may be.
inline constexpr std::int64_t max_ulps = 16;

inline bool same_json(const rapidjson::Value& a, const rapidjson::Value& b) {
  if (a.IsNumber() && b.IsNumber()) {
    if (a.IsInt64() && b.IsInt64()) return a.GetInt64() == b.GetInt64();
    if (a.IsUint64() && b.IsUint64()) return a.GetUint64() == b.GetUint64();
    const double x = a.GetDouble();
    const double y = b.GetDouble();
    if (x == y) return true;
    if (std::signbit(x) != std::signbit(y)) return false;
    std::int64_t bits_x = 0;
    std::int64_t bits_y = 0;
    std::memcpy(&bits_x, &x, sizeof x);
    std::memcpy(&bits_y, &y, sizeof y);
    return std::max(bits_x, bits_y) - std::min(bits_x, bits_y) <= max_ulps;
  }
  if (a.GetType() != b.GetType()) return false;
  if (a.IsString()) {
    return a.GetStringLength() == b.GetStringLength() &&
           std::equal(a.GetString(), a.GetString() + a.GetStringLength(), b.GetString());
  }
  if (a.IsArray()) {
    if (a.Size() != b.Size()) return false;
    for (rapidjson::SizeType i = 0; i < a.Size(); ++i) {
      if (!same_json(a[i], b[i])) return false;
    }
    return true;
  }
  if (a.IsObject()) {
    if (a.MemberCount() != b.MemberCount()) return false;
    for (auto x = a.MemberBegin(), y = b.MemberBegin(); x != a.MemberEnd(); ++x, ++y) {
      if (!same_json(x->name, y->name) || !same_json(x->value, y->value)) return false;
    }
    return true;
  }
  return a == b;
}

}  // namespace notifyd::fuzz
