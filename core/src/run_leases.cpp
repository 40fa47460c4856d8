#include "run_leases.hpp"

namespace notifyd::core {

std::string RunLeases::key(std::string_view user, std::string_view check) const {
  return "check-run/" + coordination_.host_group() + "/" + std::string(user) + "/" + std::string(check);
}

std::string RunLeases::value(std::uint64_t run_id) const {
  return coordination_.replica() + " " + std::to_string(run_id);
}

std::chrono::milliseconds RunLeases::renew_every() const noexcept {
  return std::max(std::chrono::milliseconds(1), coordination_.lease_ttl() / 3);
}

sdk::Result<std::optional<std::string>> RunLeases::take(std::string_view user, std::string_view check,
                                                        std::uint64_t run_id) {
  using R = sdk::Result<std::optional<std::string>>;
  const auto name = key(user, check);
  auto& keys = coordination_.ephemeral();
  auto taken = keys.put_if_absent(name, value(run_id), coordination_.lease_ttl());
  if (!taken) return R::failure("cannot take the run lease: " + taken.error());
  if (taken.value()) return std::optional<std::string>{};
  auto holder = keys.get(name);
  if (!holder) return R::failure("cannot read the run lease: " + holder.error());
  // Expired between the two calls: its holder has finished, so this is a run that just missed it.
  const std::string text = holder.value().value_or("another replica");
  return std::optional<std::string>{text.substr(0, text.rfind(' '))};
}

sdk::Status RunLeases::renew(std::string_view user, std::string_view check, std::uint64_t run_id) {
  return coordination_.ephemeral().put(key(user, check), value(run_id), coordination_.lease_ttl());
}

sdk::Status RunLeases::release(std::string_view user, std::string_view check, std::uint64_t run_id) {
  const auto name = key(user, check);
  auto& keys = coordination_.ephemeral();
  auto holder = keys.get(name);
  if (!holder) return sdk::Status::failure(holder.error());
  if (holder.value() != value(run_id)) return sdk::Status::success();
  return keys.remove(name);
}

}  // namespace notifyd::core
