#pragma once
// The replicas the coordination contract suite (coordination_contract_test.cpp)
// runs against. core_tests links the local world (local_coordination_world.cpp),
// core_postgres_tests the PostgreSQL one (postgres_coordination_world.cpp,
// compiled with NOTIFYD_COORDINATION_UNDER_TEST_POSTGRES).

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include <boost/asio/any_io_executor.hpp>

#include "notifyd/sdk/coordination.hpp"

namespace notifyd::test {

/// Replicas of one cluster, fresh for each test case, and an event loop for
/// their callbacks.
class CoordinationWorld {
 public:
  virtual ~CoordinationWorld() = default;
  /// Replica `index` (0, 1, …), made on first use; it lives as long as the
  /// world. Local: every index is the same in-process coordination (one
  /// replica holds every lease); postgres: each index is an instance of its
  /// own on the world's database, as separate daemons would be.
  virtual sdk::Coordination& replica(std::size_t index) = 0;
  /// An executor of a loop run by two threads of the world's own, for lease
  /// events, doorbells and watches (wrap it in a strand for ordered state).
  virtual boost::asio::any_io_executor executor() = 0;
  /// Sets document `name` to `content` the way another program does, past
  /// every replica and without ringing any doorbell. Local: the file in the
  /// data directory is rewritten in place; postgres: the row is updated by a
  /// connection of the test's own, without NOTIFY.
  virtual void change_behind_the_back(const std::string& name, const std::string& content) = 0;
};

/// A fresh world whose replicas have `lease_ttl` (`[cluster] lease_ttl`).
/// Defined once per backend: local_coordination_world.cpp,
/// postgres_coordination_world.cpp.
std::unique_ptr<CoordinationWorld> make_coordination_world(std::chrono::milliseconds lease_ttl);

}  // namespace notifyd::test
