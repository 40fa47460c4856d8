#pragma once
// Which peers may tell the dashboard who the user is (`auth = "proxy"`).

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include <boost/asio/ip/address.hpp>

#include "notifyd/sdk/status.hpp"

namespace notifyd::webui {

/// A set of addresses and networks (`127.0.0.1`, `10.0.0.0/8`, `fd00::/8`).
/// Immutable after parsing; safe to read from any thread.
class TrustedProxies {
 public:
  /// Parses each entry; an error names the first one that is not an address or network.
  static sdk::Result<TrustedProxies> parse(const std::vector<std::string>& entries);

  /// True when `peer` (IPv4-mapped IPv6 counts as IPv4) lies in one of the entries.
  bool contains(const boost::asio::ip::address& peer) const noexcept;

  /// True when an entry includes a loopback address (any of 127.0.0.0/8, or ::1).
  bool covers_loopback() const noexcept;

  /// True when no entry was given: nobody is trusted.
  bool empty() const noexcept { return networks_.empty(); }

 private:
  struct Network {
    bool v6 = false;
    std::array<unsigned char, 16> bytes{};
    unsigned prefix = 0;
  };
  std::vector<Network> networks_;
};

}  // namespace notifyd::webui
