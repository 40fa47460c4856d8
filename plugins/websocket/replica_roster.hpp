#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "notifyd/sdk/coordination.hpp"
#include "notifyd/sdk/status.hpp"

namespace notifyd::websocket {

/// The replicas serving one desktop channel, in `Ephemeral`: each holds one
/// of `max_replicas` numbered keys (`<instance>/replicas/<n>`) with its
/// connection figures and a digest of its connected users' names, renewed
/// every third of `ttl`; a replica that dies drops out when its key expires.
/// The names themselves are in `<instance>/replica-users/<replica>`, written
/// when they change (and renewed every third of `users_ttl`), and read only
/// when a replica's digest changed: the cluster counts each user once,
/// whichever replicas their apps are connected to. Blocking calls (one round
/// trip per key): use from the plugin's executor only.
class ReplicaRoster {
 public:
  /// Replicas a roster can list; one more serves, uncounted (and warned about).
  static constexpr std::size_t max_replicas = 32;

  /// One replica's figures.
  struct Figures {
    std::size_t connections = 0;  ///< open connections
    std::size_t users = 0;        ///< users with an authenticated connection
  };
  /// Every live replica's figures: connections summed, users counted once.
  struct View {
    std::size_t replicas = 0;
    Figures total;
    bool others = false;  ///< a replica other than this one is live
    std::set<std::string> names;  ///< the live replicas, this one included
  };

  ReplicaRoster(sdk::Ephemeral& keys, std::string instance, std::string replica, std::chrono::milliseconds ttl);

  /// Takes a key (the first free one) or renews this replica's, with its
  /// connection count and the names of its connected `users`. A key found
  /// holding another replica (this one missed its renewals for a whole ttl)
  /// is left to it and a free one taken.
  sdk::Status publish(std::size_t connections, std::vector<std::string> users);
  /// Reads every key, and the user names of the replicas whose digest changed
  /// since the last reading. A replica whose names cannot be had (an older
  /// version, not written yet) adds its user count.
  sdk::Result<View> read();
  /// Gives this replica's keys up.
  void leave();

  /// The key numbered `n`.
  std::string key(std::size_t n) const;
  /// The key holding `replica`'s user names.
  std::string users_key(const std::string& replica) const;
  /// A digest of the sorted `users`, as a roster key carries it.
  static std::string digest(const std::vector<std::string>& users);

 private:
  struct KnownUsers {
    std::string digest;
    std::vector<std::string> users;
  };
  std::string value(std::size_t connections, std::size_t users) const;
  sdk::Status publish_users();
  /// `replica`'s users as of `digest`, from the cache or its key; nullopt when it has none.
  sdk::Result<const std::vector<std::string>*> users_of(const std::string& replica, const std::string& digest);

  sdk::Ephemeral& keys_;
  std::string instance_;
  std::string replica_;
  std::chrono::milliseconds ttl_;
  std::chrono::milliseconds users_ttl_;
  std::optional<std::size_t> held_;
  std::vector<std::string> users_;  ///< this replica's, sorted, as last published
  std::string digest_;              ///< of users_
  std::string users_written_;       ///< the digest last written to the users key (empty: none)
  std::chrono::steady_clock::time_point users_written_at_;
  std::map<std::string, KnownUsers> others_;  ///< other replicas' users, by replica, as last read
};

}  // namespace notifyd::websocket
