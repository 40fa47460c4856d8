#include "slot_claims.hpp"

#include <algorithm>

namespace notifyd::cron {
namespace {

// A done mark outlives the clock skew between replicas and the slowest look.
constexpr std::chrono::milliseconds shortest_done_ttl{10 * 60 * 1000};

}  // namespace

SlotClaims::SlotClaims(sdk::Ephemeral& keys, std::string host_group, std::string replica,
                       std::chrono::milliseconds claim_ttl)
    : keys_(keys), host_group_(std::move(host_group)), replica_(std::move(replica)), claim_ttl_(claim_ttl) {}

std::chrono::milliseconds SlotClaims::done_ttl() const noexcept { return std::max(shortest_done_ttl, 4 * claim_ttl_); }

std::string SlotClaims::key(const CheckKey& check, std::int64_t slot) const {
  return "cron-slot/" + host_group_ + "/" + check.user + "/" + check.name + "/" + std::to_string(slot);
}

sdk::Result<bool> SlotClaims::claim(const CheckKey& check, std::int64_t slot) {
  return keys_.put_if_absent(key(check, slot), "run " + replica_, claim_ttl_);
}

sdk::Status SlotClaims::renew(const CheckKey& check, std::int64_t slot) {
  return keys_.put(key(check, slot), "run " + replica_, claim_ttl_);
}

sdk::Status SlotClaims::finish(const CheckKey& check, std::int64_t slot) {
  return keys_.put(key(check, slot), "done " + replica_, done_ttl());
}

sdk::Status SlotClaims::abandon(const CheckKey& check, std::int64_t slot) { return keys_.remove(key(check, slot)); }

sdk::Result<SlotLook> SlotClaims::look(const CheckKey& check, std::int64_t slot) {
  using R = sdk::Result<SlotLook>;
  const auto claim = key(check, slot);
  auto current = keys_.get(claim);
  if (!current) return R::failure(current.error());
  if (current.value()) return current.value()->starts_with("done ") ? SlotLook::finished : SlotLook::running;
  auto replacing = keys_.put_if_absent(claim + "/replaced", replica_, done_ttl());
  if (!replacing) return R::failure(replacing.error());
  if (!replacing.value()) return SlotLook::replaced_elsewhere;
  auto claimed = keys_.put_if_absent(claim, "run " + replica_, claim_ttl_);
  if (!claimed) return R::failure(claimed.error());
  // The claimer came back (a renewal after a freeze): it goes on with the slot.
  return claimed.value() ? SlotLook::replace : SlotLook::running;
}

}  // namespace notifyd::cron
