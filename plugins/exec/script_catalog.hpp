#pragma once
// The scripts found by the last scan, shared between the scanning thread,
// the host (which lists checks often) and executions.

#include <memory>
#include <mutex>
#include <optional>
#include <string_view>
#include <vector>

#include "notifyd/sdk/check_service.hpp"
#include "script_discovery.hpp"

namespace notifyd::exec {

/// The current list of scripts. Thread-safe; readers never wait for a scan.
class ScriptCatalog {
 public:
  /// Replaces the list with what a scan found.
  void replace(std::vector<DiscoveredScript> scripts);
  /// Every script as a check definition.
  std::vector<sdk::CheckDefinition> definitions() const;
  /// `user`'s script named `name`, or nullopt.
  std::optional<DiscoveredScript> find(std::string_view user, std::string_view name) const;
  /// How many scripts there are.
  std::size_t size() const;

 private:
  using Snapshot = std::vector<DiscoveredScript>;  ///< sorted by user, then name
  std::shared_ptr<const Snapshot> snapshot() const;

  mutable std::mutex mutex_;
  std::shared_ptr<const Snapshot> scripts_ = std::make_shared<const Snapshot>();
};

}  // namespace notifyd::exec
