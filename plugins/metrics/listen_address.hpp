#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/ip/tcp.hpp>

namespace notifyd::metrics {

/// Parses "host:port" ("127.0.0.1:9464", "[::1]:9464", "localhost:9464").
/// Names other than localhost are refused: the endpoint binds literal addresses.
std::optional<boost::asio::ip::tcp::endpoint> parse_listen_address(std::string_view text);

}  // namespace notifyd::metrics
