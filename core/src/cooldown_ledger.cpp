#include "cooldown_ledger.hpp"

#include "notifyd/sdk/cooldown_state.hpp"

namespace notifyd::core {

std::string CooldownLedger::document_name(std::string_view user, std::string_view check) {
  return "cooldowns/" + std::string(user) + "/" + std::string(check) + ".json";
}

std::int64_t CooldownLedger::last_sent(std::string_view user, std::string_view check) {
  const auto name = document_name(user, check);
  std::lock_guard lock(mutex_);
  if (auto it = cache_.find(name); it != cache_.end() && std::chrono::steady_clock::now() - it->second.read_at < cache_for) {
    return it->second.last_sent;
  }
  return read(name);
}

std::int64_t CooldownLedger::current(std::string_view user, std::string_view check) {
  const auto name = document_name(user, check);
  std::lock_guard lock(mutex_);
  return read(name);
}

std::int64_t CooldownLedger::read(const std::string& name) {
  std::int64_t value = 0;
  auto content = documents_.read(name);
  if (!content) {
    log_.warn("cannot read ", name, ": ", content.error());
    if (auto it = cache_.find(name); it != cache_.end()) return it->second.last_sent;
  } else if (content.value()) {
    if (const auto sent = sdk::parse_cooldown_state(*content.value())) {
      value = *sent;
    } else {
      log_.warn(name, " is not {\"last_sent\": <unix time>}; treating the check as never sent");
    }
  }
  cache_[name] = {value, std::chrono::steady_clock::now()};
  return value;
}

void CooldownLedger::record(std::string_view user, std::string_view check, std::int64_t unix_seconds) {
  const auto name = document_name(user, check);
  std::lock_guard lock(mutex_);
  cache_[name] = {unix_seconds, std::chrono::steady_clock::now()};
  if (auto status = documents_.write(name, sdk::cooldown_state_text(unix_seconds)); !status) {
    log_.error("cannot record the cooldown of ", check, " for ", user, ": ", status.message);
  }
}

}  // namespace notifyd::core
