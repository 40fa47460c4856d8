#include "trusted_proxies.hpp"

#include <algorithm>
#include <charconv>

#include "notifyd/sdk/http/listen_address.hpp"

namespace notifyd::webui {
namespace {

namespace ip = boost::asio::ip;

std::array<unsigned char, 16> address_bytes(const ip::address& address) {
  std::array<unsigned char, 16> bytes{};
  if (address.is_v4()) {
    const auto v4 = address.to_v4().to_bytes();
    std::copy(v4.begin(), v4.end(), bytes.begin());
  } else {
    const auto v6 = address.to_v6().to_bytes();
    std::copy(v6.begin(), v6.end(), bytes.begin());
  }
  return bytes;
}

bool prefix_matches(const std::array<unsigned char, 16>& a, const std::array<unsigned char, 16>& b, unsigned prefix) {
  const unsigned whole = prefix / 8;
  if (!std::equal(a.begin(), a.begin() + whole, b.begin())) return false;
  const unsigned rest = prefix % 8;
  if (rest == 0) return true;
  const auto mask = static_cast<unsigned char>(0xFF << (8 - rest));
  return (a[whole] & mask) == (b[whole] & mask);
}

}  // namespace

sdk::Result<TrustedProxies> TrustedProxies::parse(const std::vector<std::string>& entries) {
  using Failure = sdk::Result<TrustedProxies>;
  TrustedProxies result;
  for (const auto& entry : entries) {
    const std::string shown = "trusted_proxies: \"" + entry.substr(0, 64) + "\"";
    const auto slash = entry.find('/');
    boost::system::error_code error;
    const auto address = sdk::http::unmapped(ip::make_address(entry.substr(0, slash), error));
    if (error || entry.size() > 64) return Failure::failure(shown + " is not an IP address or network");
    Network network;
    network.v6 = address.is_v6();
    network.bytes = address_bytes(address);
    const unsigned max_prefix = network.v6 ? 128 : 32;
    network.prefix = max_prefix;
    if (slash != std::string::npos) {
      const std::string_view bits = std::string_view(entry).substr(slash + 1);
      unsigned value = 0;
      const auto [end, ec] = std::from_chars(bits.data(), bits.data() + bits.size(), value);
      if (bits.empty() || ec != std::errc{} || end != bits.data() + bits.size() || value > max_prefix) {
        return Failure::failure(shown + " has an invalid prefix length");
      }
      network.prefix = value;
    }
    result.networks_.push_back(network);
  }
  return result;
}

bool TrustedProxies::contains(const ip::address& peer) const noexcept {
  const auto address = sdk::http::unmapped(peer);
  const auto bytes = address_bytes(address);
  return std::any_of(networks_.begin(), networks_.end(), [&](const Network& network) {
    return network.v6 == address.is_v6() && prefix_matches(network.bytes, bytes, network.prefix);
  });
}

bool TrustedProxies::covers_loopback() const noexcept {
  const std::array<unsigned char, 16> v4_loopback{127};
  return contains(ip::address_v6::loopback()) ||
         std::any_of(networks_.begin(), networks_.end(), [&](const Network& network) {
           return !network.v6 && prefix_matches(network.bytes, v4_loopback, std::min(network.prefix, 8u));
         });
}

}  // namespace notifyd::webui
