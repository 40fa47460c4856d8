#pragma once
// What one replica knows of the replicas it runs with, for health: who is
// alive, who holds which lease, and how its connections to the shared
// database are.

#include <cstdint>
#include <string>
#include <vector>

namespace notifyd::sdk {

/// A live replica, as it announced itself.
struct ReplicaView {
  std::string name;             ///< unique among live replicas: host name and pid
  std::string host_group;       ///< `[cluster] host_group`
  std::string version;          ///< its notifyd version
  std::string address;          ///< `[cluster] address`; empty when not set
  std::uint64_t pid = 0;
  std::int64_t started_at_ms = 0;  ///< Unix epoch milliseconds
  bool self = false;            ///< the replica answering
};

/// A lease someone holds.
struct LeaseView {
  std::string name;             ///< such as `channel/<instance>`
  std::string holder;           ///< the holding replica's name
  std::uint64_t epoch = 0;      ///< the holding; each new holding has a larger one
  std::int64_t expires_at_ms = 0;  ///< when it ends unless renewed (database clock); 0 = never (local)
};

/// One of this replica's connections to the shared database.
struct EngineConnection {
  std::string name;             ///< what it serves (`coordination`)
  /// `connected`, `connecting` (never connected yet), `reconnecting`, or `unused`
  /// (a pooled session that connects when first needed and has not been yet)
  std::string state;
  std::int64_t since_ms = 0;    ///< when it entered that state (Unix epoch milliseconds)
  std::string last_error;       ///< why the last attempt or connection failed; empty when none did
};

/// The cluster as seen from one replica (`Coordination::view`).
struct ClusterView {
  std::string backend;          ///< `local` or `postgres`
  std::string replica;          ///< the replica answering
  std::string host_group;       ///< its host group
  std::int64_t lease_ttl_ms = 0;
  std::uint32_t schema_version = 0;  ///< of the shared database; 0 with `local`
  std::vector<EngineConnection> connections;  ///< none with `local`
  std::vector<ReplicaView> replicas;          ///< the live ones, by name; this one included
  std::vector<LeaseView> leases;              ///< held leases, by name
  std::int64_t as_of_ms = 0;    ///< when replicas and leases were read (Unix epoch milliseconds); 0 = not yet
};

}  // namespace notifyd::sdk
