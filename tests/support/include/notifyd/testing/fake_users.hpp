#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "notifyd/sdk/users.hpp"

namespace notifyd::testing {

/// A user database the test fills: `accounts` maps uids to names; `is_admin`
/// accepts the names in the set it was made with (account or not).
class FakeUsers final : public sdk::Users {
 public:
  explicit FakeUsers(const std::set<std::string>& admins) : admins_(admins) {}

  std::optional<std::string> name_of(uid_t uid) const override {
    const auto found = accounts.find(uid);
    if (found == accounts.end()) return std::nullopt;
    return found->second;
  }
  std::optional<uid_t> uid_of(std::string_view user) const override {
    for (const auto& [uid, name] : accounts) {
      if (name == user) return uid;
    }
    return std::nullopt;
  }
  bool is_admin(std::string_view user) const noexcept override { return admins_.count(std::string(user)) > 0; }

  std::map<uid_t, std::string> accounts;  ///< uid → name

 private:
  const std::set<std::string>& admins_;
};

}  // namespace notifyd::testing
