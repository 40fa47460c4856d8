#include "notifyd/sdk/user_name.hpp"

namespace notifyd::sdk {
namespace {

bool is_name_byte(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
         c == '-';
}

}  // namespace

bool is_valid_user_name(std::string_view name) noexcept {
  if (name.empty() || name.size() > max_user_name_length) return false;
  if (name == "." || name == ".." || name.front() == '-') return false;
  if (name.back() == '$') name.remove_suffix(1);
  if (name.empty()) return false;
  for (const char c : name) {
    if (!is_name_byte(c)) return false;
  }
  return true;
}

}  // namespace notifyd::sdk
