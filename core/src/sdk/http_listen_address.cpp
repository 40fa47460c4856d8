#include "notifyd/sdk/http/listen_address.hpp"

#include <charconv>

namespace notifyd::sdk::http {

namespace ip = boost::asio::ip;

Result<ListenAddress> parse_listen_address(std::string_view text) {
  using Failure = Result<ListenAddress>;
  const std::string shown = "\"" + std::string(text.substr(0, 64)) + "\"";
  if (text.starts_with("unix:")) {
    const std::filesystem::path path(text.substr(5));
    if (!path.is_absolute() || text.size() > 5 + 100) {
      return Failure::failure("listen: " + shown + ": a unix socket is written unix:/absolute/path (at most 100 bytes)");
    }
    ListenAddress result;
    result.unix_path = path.lexically_normal();
    return result;
  }
  if (text.empty() || text.size() > 64) {
    return Failure::failure("listen: " + shown + " is not host:port or unix:/path");
  }
  std::string_view host;
  std::string_view port;
  if (text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return Failure::failure("listen: " + shown + " is not [ipv6]:port");
    }
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos || text.find(':') != colon) {
      return Failure::failure("listen: " + shown + " is not host:port (write IPv6 as [::1]:8080)");
    }
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }

  ListenAddress result;
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || ec != std::errc{} || end != port.data() + port.size() || value > 65535) {
    return Failure::failure("listen: " + shown + " has no valid port (0-65535)");
  }
  result.port = static_cast<std::uint16_t>(value);

  if (host == "localhost") {
    result.address = ip::address_v4::loopback();
    return result;
  }
  boost::system::error_code error;
  result.address = ip::make_address(std::string(host), error);
  if (error || (text.front() == '[') != result.address.is_v6()) {
    return Failure::failure("listen: " + shown + ": the host must be an IP address (IPv6 in brackets) or localhost");
  }
  return result;
}

ip::address unmapped(const ip::address& address) noexcept {
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    return ip::make_address_v4(ip::v4_mapped, address.to_v6());
  }
  return address;
}

bool is_loopback(const ip::address& address) noexcept { return unmapped(address).is_loopback(); }

bool ListenAddress::is_local() const noexcept { return is_unix() || is_loopback(address); }

std::string ListenAddress::to_string() const {
  return is_unix() ? "unix:" + unix_path.string() : format_host_port(address, port);
}

std::string format_host_port(const ip::address& address, std::uint16_t port) {
  const std::string host = address.is_v6() ? "[" + address.to_string() + "]" : address.to_string();
  return host + ":" + std::to_string(port);
}

}  // namespace notifyd::sdk::http
