#pragma once

#include <cstdint>
#include <string>

namespace notifyd::sdk {

/// Proof of holding a lease at one moment: a write made with it
/// (`DocumentStore::write_if`) is refused once the lease has passed to
/// another holder or expired, even when the old holder does not know it yet.
/// Epochs of one lease only grow: each new holding gets a larger one.
struct Fence {
  std::string lease;        ///< the lease's name
  std::string holder;       ///< the replica that held it
  std::uint64_t epoch = 0;  ///< which holding; 0 = no fence
  /// True when this names a holding.
  explicit operator bool() const noexcept { return epoch != 0; }
  /// True when both name the same holding.
  friend bool operator==(const Fence&, const Fence&) = default;
};

}  // namespace notifyd::sdk
