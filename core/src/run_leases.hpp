#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "notifyd/sdk/coordination.hpp"

namespace notifyd::core {

/// Which replica of the host group runs a check right now: the key
/// `check-run/<host group>/<user>/<check>` in the shared ephemeral keys,
/// holding `<replica> <run id>` for the lease's time to live
/// (`[cluster] lease_ttl`). The runner takes it before a run starts, renews
/// it every third of its time while the run goes on, and gives it back when
/// the run is recorded; a replica that died mid-run holds it until it
/// expires. With `backend = "local"` the keys live in the process, where the
/// runner's own "already running" rule decides first. When the keys cannot
/// be reached the runner runs the check without the lease (and says so).
///
/// A renewal overwrites the key; a holder frozen longer than the time to
/// live (SIGSTOP) can thus overlap with a run another replica started
/// meanwhile. Blocking (one round trip per call): call from the runner's
/// executor. Thread-safe.
class RunLeases {
 public:
  explicit RunLeases(sdk::Coordination& coordination) : coordination_(coordination) {}

  /// Takes the lease of `user`'s `check` for run `run_id`: nullopt when this
  /// run holds it now, else the holder's name (`<replica>`), for the record
  /// of the skipped run. An error when the keys cannot be reached.
  sdk::Result<std::optional<std::string>> take(std::string_view user, std::string_view check, std::uint64_t run_id);
  /// Extends the lease of run `run_id` by the time to live.
  sdk::Status renew(std::string_view user, std::string_view check, std::uint64_t run_id);
  /// Gives the lease back if run `run_id` still holds it.
  sdk::Status release(std::string_view user, std::string_view check, std::uint64_t run_id);
  /// How often a running run renews.
  std::chrono::milliseconds renew_every() const noexcept;

 private:
  std::string key(std::string_view user, std::string_view check) const;
  std::string value(std::uint64_t run_id) const;

  sdk::Coordination& coordination_;
};

}  // namespace notifyd::core
