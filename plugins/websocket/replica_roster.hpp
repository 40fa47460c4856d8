#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <set>
#include <string>

#include "notifyd/sdk/coordination.hpp"
#include "notifyd/sdk/status.hpp"

namespace notifyd::websocket {

/// The replicas serving one desktop channel, in `Ephemeral`: each holds one
/// of `max_replicas` numbered keys (`<instance>/replicas/<n>`) with its
/// connection figures, renewed every third of `ttl`; a replica that dies
/// drops out when its key expires. Blocking calls (one round trip per key):
/// use from the plugin's executor only.
class ReplicaRoster {
 public:
  /// Replicas a roster can list; one more serves, uncounted (and warned about).
  static constexpr std::size_t max_replicas = 32;

  /// One replica's figures.
  struct Figures {
    std::size_t connections = 0;  ///< open connections
    std::size_t users = 0;        ///< users with an authenticated connection
  };
  /// Every live replica's figures, summed.
  struct View {
    std::size_t replicas = 0;
    Figures total;
    bool others = false;  ///< a replica other than this one is live
    std::set<std::string> names;  ///< the live replicas, this one included
  };

  ReplicaRoster(sdk::Ephemeral& keys, std::string instance, std::string replica, std::chrono::milliseconds ttl);

  /// Takes a key (the first free one) or renews this replica's, with `figures`.
  /// A key found holding another replica (this one missed its renewals for a
  /// whole ttl) is left to it and a free one taken.
  sdk::Status publish(Figures figures);
  /// Reads every key.
  sdk::Result<View> read() const;
  /// Gives this replica's key up.
  void leave();

  /// The key numbered `n`.
  std::string key(std::size_t n) const;

 private:
  std::string value(Figures figures) const;

  sdk::Ephemeral& keys_;
  std::string instance_;
  std::string replica_;
  std::chrono::milliseconds ttl_;
  std::optional<std::size_t> held_;
};

}  // namespace notifyd::websocket
