#pragma once
// The one grammar of a server's `listen` key: a TCP address or a unix socket.

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include <boost/asio/ip/address.hpp>

#include "notifyd/sdk/status.hpp"

namespace notifyd::sdk::http {

/// A parsed `listen` value: an IP address and a port, or the path of a unix socket.
struct ListenAddress {
  boost::asio::ip::address address;
  std::uint16_t port = 0;           ///< 0 = any free port (the server logs the bound one)
  std::filesystem::path unix_path;  ///< set for `unix:/path`: listen there instead of on TCP

  /// True when the server listens on a unix socket.
  bool is_unix() const noexcept { return !unix_path.empty(); }
  /// True for a loopback TCP address or a unix socket: only this machine reaches it.
  bool is_local() const noexcept;
  /// `127.0.0.1:8080`, `[::1]:8080` or `unix:/run/notifyd/web.sock`, for messages.
  std::string to_string() const;
};

/// Parses `127.0.0.1:8080`, `[::1]:8080`, `[::]:80`, `0.0.0.0:80`, `localhost:8080`
/// (= 127.0.0.1) or `unix:/absolute/path`. The port is 0 to 65535, 0 meaning any
/// free port. Host names other than `localhost` are refused: servers bind
/// literals. `[::]` accepts IPv4 connections too (the socket is not v6-only).
/// The error starts with `listen: `.
Result<ListenAddress> parse_listen_address(std::string_view text);

/// True for 127.0.0.0/8, ::1 and IPv4-mapped loopback addresses.
bool is_loopback(const boost::asio::ip::address& address) noexcept;

/// An address with IPv4-mapped IPv6 (`::ffff:10.0.0.1`) turned into IPv4.
boost::asio::ip::address unmapped(const boost::asio::ip::address& address) noexcept;

/// `host:port` for URLs and log lines, IPv6 in brackets (`[::1]:8080`).
std::string format_host_port(const boost::asio::ip::address& address, std::uint16_t port);

}  // namespace notifyd::sdk::http
