#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "notifyd/sdk/coordination.hpp"
#include "notifyd/sdk/document_store.hpp"
#include "notifyd/sdk/logger.hpp"
#include "notifyd/sdk/status.hpp"

namespace notifyd::telegram {

/// Failed code entries per user in a sliding window, shared by every replica
/// (`sdk::Ephemeral`): each user has `limit` slots, keys
/// `telegram/<instance>/verify-fail/<user>/<n>` that expire `window` after
/// the failure they hold. An attempt first takes a free slot (atomically,
/// so concurrent attempts on any replicas never exceed the limit); a failed
/// attempt keeps it, a successful one gives it back. With every slot taken,
/// attempts are refused until the oldest failure ages out. Wall-clock times.
/// Blocking (one round trip per slot looked at): call from the plugin's strand.
class VerifyAttempts {
 public:
  using Clock = std::chrono::system_clock;

  /// An attempt in progress, or how long until one may be made.
  struct Attempt {
    std::optional<std::uint32_t> slot;  ///< the slot taken; nullopt when every slot is taken
    std::chrono::milliseconds retry_in{0};  ///< without a slot: until the oldest failure ages out
  };

  VerifyAttempts(sdk::Ephemeral& keys, std::string instance, std::uint32_t limit, std::chrono::milliseconds window)
      : keys_(keys), prefix_("telegram/" + std::move(instance) + "/verify-fail/"), limit_(limit), window_(window) {}

  /// Takes a slot for one attempt of `user` at `now`, counted as a failure
  /// unless `succeeded` gives it back.
  sdk::Result<Attempt> begin(std::string_view user, Clock::time_point now);
  /// The attempt in `slot` did not fail: its slot is free again.
  sdk::Status succeeded(std::string_view user, std::uint32_t slot);
  /// Records a failure of `user` at `now` as an attempt would (for failures
  /// carried over from older versions' attempts file); false when no slot was free.
  sdk::Result<bool> record_failure(std::string_view user, Clock::time_point failed_at, Clock::time_point now);

 private:
  std::string key(std::string_view user, std::uint32_t slot) const;

  sdk::Ephemeral& keys_;
  std::string prefix_;
  std::uint32_t limit_;
  std::chrono::milliseconds window_;
};

/// Moves the failures an older version kept in `file` (`{"alice": [<unix
/// ms>, ...]}`) that are still inside the window into `attempts`, then
/// removes the file. Problems are logged; nothing else depends on the file.
void import_attempts_file(sdk::DocumentStore& store, const std::string& file, VerifyAttempts& attempts,
                          VerifyAttempts::Clock::time_point now, sdk::Logger& log);

}  // namespace notifyd::telegram
