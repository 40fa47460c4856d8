// How the socket API shares its connections: the rule, and what it logs.

#include <catch2/catch.hpp>

#include <unistd.h>

#include "connection_share.hpp"
#include "test_support.hpp"

using namespace notifyd;
using namespace notifyd::socket_api;
using namespace notifyd::socket_api::testing;
using sdk::http::OpenConnections;

namespace {

sdk::http::Peer unix_peer(uid_t uid, std::string user) {
  sdk::http::Peer peer;
  peer.local = true;
  peer.credentials = sdk::http::PeerCredentials{::getpid(), uid, 100, {}};
  peer.user = std::move(user);
  return peer;
}

}  // namespace

TEST_CASE("connection share: ordinary users get their share, privileged callers the reserve") {
  const ConnectionLimits limits{10, 3, 2};
  CHECK(refusal_for(OpenConnections{0, 0}, false, limits) == Refusal::none);
  CHECK(refusal_for(OpenConnections{5, 2}, false, limits) == Refusal::none);
  CHECK(refusal_for(OpenConnections{5, 3}, false, limits) == Refusal::user_full);
  CHECK(refusal_for(OpenConnections{8, 0}, false, limits) == Refusal::server_full);  // only the reserve is left
  CHECK(refusal_for(OpenConnections{8, 0}, true, limits) == Refusal::none);
  CHECK(refusal_for(OpenConnections{9, 9}, true, limits) == Refusal::none);  // no per-user share for them
  CHECK(refusal_for(OpenConnections{10, 0}, true, limits) == Refusal::server_full);
}

TEST_CASE("connection share: one line when refusals begin and one when they end, per user and for the server") {
  boost::asio::io_context io;
  FakeHost host(io, make_config());
  ConnectionShare share(host, ConnectionLimits{10, 3, 2});
  const auto bob = unix_peer(1002, "bob");

  for (int i = 0; i < 3; ++i) CHECK_FALSE(share.admit(bob, OpenConnections{5, 3}));
  CHECK(host.logger.count("bob holds 3 connections (max_connections_per_user): answering 503 to its new ones") == 1);
  CHECK(share.admit(bob, OpenConnections{5, 2}));
  CHECK(host.logger.contains("accepting connections of bob again after refusing 3"));

  for (int i = 0; i < 2; ++i) CHECK_FALSE(share.admit(bob, OpenConnections{8, 0}));
  CHECK(host.logger.count("connection limit of 10 reached (2 kept for root and admins)") == 1);
  CHECK(share.admit(unix_peer(0, "root"), OpenConnections{8, 0}));
  CHECK(host.logger.contains("accepting connections again after refusing 2"));

  host.admins.insert("carol");
  CHECK(share.admit(unix_peer(1003, "carol"), OpenConnections{9, 7}));
  CHECK_FALSE(share.admit(sdk::http::Peer{}, OpenConnections{}));  // no credentials, no caller
}
