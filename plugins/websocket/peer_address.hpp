#pragma once

#include <string>

#include <boost/asio/ip/address.hpp>

namespace notifyd::websocket {

/// The key under which connections from `address` share their limit before
/// auth: the IPv4 address (an IPv4-mapped IPv6 one as IPv4), the /64 of an
/// IPv6 address (one host may hold the whole /64), and one key for all of
/// loopback (127.0.0.0/8 and ::1), whose source address any local process
/// may pick.
std::string peer_address_key(const boost::asio::ip::address& address);

}  // namespace notifyd::websocket
