// Who is on the other end of a local connection: the SDK's peer lookups
// against real sockets of this process.

#include <catch2/catch.hpp>

#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/connect_pair.hpp>
#include <boost/asio/local/stream_protocol.hpp>

#include "notifyd/sdk/peer_user.hpp"

namespace ip = boost::asio::ip;

namespace {

// A connected pair over TCP on `address`: the server side as accepted, and the client.
struct TcpPair {
  explicit TcpPair(ip::address address) : acceptor(io, ip::tcp::endpoint(address, 0)), client(io), server(io) {
    client.connect(acceptor.local_endpoint());
    acceptor.accept(server);
  }
  boost::asio::io_context io;
  ip::tcp::acceptor acceptor;
  ip::tcp::socket client;
  ip::tcp::socket server;
};

}  // namespace

TEST_CASE("peer user: the owner of a loopback TCP client socket, by its exact 4-tuple") {
  TcpPair pair(ip::address_v4::loopback());
  const auto uid = notifyd::sdk::loopback_peer_uid(pair.server.local_endpoint(), pair.server.remote_endpoint());
  REQUIRE(uid);
  CHECK(*uid == ::geteuid());

  // Another port is another connection: nobody.
  auto wrong = pair.server.remote_endpoint();
  wrong.port(static_cast<unsigned short>(wrong.port() == 65535 ? 1024 : wrong.port() + 1));
  CHECK_FALSE(notifyd::sdk::loopback_peer_uid(pair.server.local_endpoint(), wrong));
}

TEST_CASE("peer user: IPv6 loopback too; a closed client has no owner; other addresses are not asked") {
  boost::system::error_code ec;
  {
    boost::asio::io_context io;
    ip::tcp::acceptor probe(io);
    probe.open(ip::tcp::v6(), ec);
    if (!ec) probe.bind(ip::tcp::endpoint(ip::address_v6::loopback(), 0), ec);
  }
  if (!ec) {
    TcpPair pair(ip::address_v6::loopback());
    const auto uid = notifyd::sdk::loopback_peer_uid(pair.server.local_endpoint(), pair.server.remote_endpoint());
    REQUIRE(uid);
    CHECK(*uid == ::geteuid());
  }

  TcpPair pair(ip::address_v4::loopback());
  const auto local = pair.server.local_endpoint();
  const auto remote = pair.server.remote_endpoint();
  pair.client.close();
  CHECK_FALSE(notifyd::sdk::loopback_peer_uid(local, remote));

  CHECK_FALSE(notifyd::sdk::loopback_peer_uid(local, ip::tcp::endpoint(ip::make_address("10.1.2.3"), remote.port())));
}

TEST_CASE("peer user: SO_PEERCRED of a unix socket; names of uids") {
  boost::asio::io_context io;
  boost::asio::local::stream_protocol::socket a(io), b(io);
  boost::asio::local::connect_pair(a, b);
  const auto uid = notifyd::sdk::unix_socket_peer_uid(a.native_handle());
  REQUIRE(uid);
  CHECK(*uid == ::geteuid());
  CHECK(notifyd::sdk::user_name_of_uid(0) == std::optional<std::string>("root"));
  CHECK_FALSE(notifyd::sdk::user_name_of_uid(static_cast<uid_t>(-2) - 12345));
}
