#pragma once
// Which replica of a host group runs each schedule slot. Before running a
// slot a replica claims it: the key
// `cron-slot/<host group>/<user>/<check>/<slot>` in the shared ephemeral
// keys (`Ephemeral::put_if_absent`, so one replica wins) holds
// `run <replica>` for `claim_ttl`. The winner renews the claim every third of
// that while the run goes on and, when it ends, replaces it with
// `done <replica>`, kept for `done_ttl`. A replica that lost looks again
// every `claim_ttl`; when the claim has expired without its done mark, the
// claimer stopped mid-run, and the one replica that wins the key
// `<claim>/replaced` runs the slot again, once. With `backend = "local"` the
// keys live in the process and every claim is won.

#include <chrono>
#include <cstdint>
#include <string>

#include "check_key.hpp"
#include "notifyd/sdk/coordination.hpp"

namespace notifyd::cron {

/// What a replica that lost a slot finds when it looks again.
enum class SlotLook {
  running,            ///< the claimer is still at it (or renewing)
  finished,           ///< the slot is done
  replace,            ///< the claimer stopped before finishing; this replica runs it again now
  replaced_elsewhere  ///< the claimer stopped; another replica runs it again
};

/// The claims of one replica. Blocking (one or two round trips per call):
/// call from the trigger's strand.
class SlotClaims {
 public:
  /// Keys under `host_group`, naming this replica `replica`; a claim lives
  /// `claim_ttl` past its last renewal.
  SlotClaims(sdk::Ephemeral& keys, std::string host_group, std::string replica, std::chrono::milliseconds claim_ttl);

  /// How long a done mark is kept: the losers and late replicas must see it.
  std::chrono::milliseconds done_ttl() const noexcept;
  std::chrono::milliseconds claim_ttl() const noexcept { return claim_ttl_; }

  /// Claims `slot` (UTC seconds) of `check`; true when this replica won it.
  sdk::Result<bool> claim(const CheckKey& check, std::int64_t slot);
  /// Extends this replica's claim by `claim_ttl`.
  sdk::Status renew(const CheckKey& check, std::int64_t slot);
  /// Marks the slot done (its run ended, whatever its outcome).
  sdk::Status finish(const CheckKey& check, std::int64_t slot);
  /// Gives the claim up without running the slot, so that a replica that
  /// lost it runs it instead (this replica is stopping).
  sdk::Status abandon(const CheckKey& check, std::int64_t slot);
  /// Looks at a slot this replica lost.
  sdk::Result<SlotLook> look(const CheckKey& check, std::int64_t slot);

 private:
  std::string key(const CheckKey& check, std::int64_t slot) const;

  sdk::Ephemeral& keys_;
  std::string host_group_;
  std::string replica_;
  std::chrono::milliseconds claim_ttl_;
};

}  // namespace notifyd::cron
