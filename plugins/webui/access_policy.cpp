#include "access_policy.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/beast/core/string.hpp>

namespace notifyd::webui {
namespace {

bool under(std::string_view path, std::string_view root) {
  return path == root || (path.size() > root.size() && path.starts_with(root) && path[root.size()] == '/');
}

// The host part of a `Host` header: without the port, IPv6 without brackets.
std::string_view host_name(std::string_view host) {
  if (host.starts_with('[')) {
    const auto close = host.find(']');
    return close == std::string_view::npos ? std::string_view{} : host.substr(1, close - 1);
  }
  return host.substr(0, host.find(':'));
}

}  // namespace

bool is_state_changing(std::string_view method) noexcept {
  return method != "GET" && method != "HEAD" && method != "OPTIONS";
}

bool is_api_path(std::string_view path) noexcept { return under(path, "/api") || under(path, "/v1"); }

Verdict decide_access(const AccessFacts& facts) noexcept {
  const bool changes = is_state_changing(facts.method);
  if (changes && !facts.same_origin) return Verdict::cross_origin;
  if (facts.area == Area::open) return Verdict::serve;
  if (!facts.signed_in) return facts.area == Area::page ? Verdict::redirect_to_login : Verdict::unauthorized;
  if (changes && !(facts.has_session && facts.csrf_ok)) return Verdict::csrf_refused;
  return Verdict::serve;
}

bool is_same_origin(std::string_view origin, std::string_view host, std::string_view fetch_site) noexcept {
  if (!fetch_site.empty() && fetch_site != "same-origin" && fetch_site != "none") return false;
  if (origin.empty()) return true;
  std::string_view rest;
  if (origin.starts_with("https://")) {
    rest = origin.substr(8);
  } else if (origin.starts_with("http://")) {
    rest = origin.substr(7);
  } else {
    return false;
  }
  return !host.empty() && boost::beast::iequals(rest, host);
}

bool is_loopback_host(std::string_view host) {
  const std::string_view name = host_name(host);
  if (boost::beast::iequals(name, "localhost")) return true;
  boost::system::error_code error;
  const auto address = boost::asio::ip::make_address(std::string(name), error);
  return !error && address.is_loopback();
}

bool is_public_host(std::string_view host, std::string_view public_url) {
  std::string_view authority = public_url;
  if (authority.starts_with("https://")) {
    authority.remove_prefix(8);
  } else if (authority.starts_with("http://")) {
    authority.remove_prefix(7);
  } else {
    return false;
  }
  authority = authority.substr(0, authority.find('/'));
  return !host.empty() && boost::beast::iequals(host, authority);
}

}  // namespace notifyd::webui
