#include "notifyd/sdk/peer_user.hpp"

#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

namespace notifyd::sdk {
namespace {

namespace ip = boost::asio::ip;

ip::address unmapped(const ip::address& address) {
  if (address.is_v6() && address.to_v6().is_v4_mapped()) return ip::make_address_v4(ip::v4_mapped, address.to_v6());
  return address;
}

// The 16 address bytes as inet_diag and /proc/net/tcp6 hold them (IPv4 in the first 4).
std::array<unsigned char, 16> raw_bytes(const ip::address& address) {
  std::array<unsigned char, 16> bytes{};
  if (address.is_v4()) {
    const auto v4 = address.to_v4().to_bytes();
    std::memcpy(bytes.data(), v4.data(), v4.size());
  } else {
    const auto v6 = address.to_v6().to_bytes();
    std::memcpy(bytes.data(), v6.data(), v6.size());
  }
  return bytes;
}

ip::address address_from(int family, const std::uint32_t* words) {
  if (family == AF_INET) {
    ip::address_v4::bytes_type bytes;
    std::memcpy(bytes.data(), words, bytes.size());
    return ip::address_v4(bytes);
  }
  ip::address_v6::bytes_type bytes;
  std::memcpy(bytes.data(), words, bytes.size());
  return unmapped(ip::address_v6(bytes));
}

// A socket with an owner: not listening, not a time-wait or request
// mini-socket, and still attached to a file (an orphan reports uid 0).
bool is_owned_connection(unsigned state, unsigned long inode) {
  return inode != 0 && state != TCP_LISTEN && state != TCP_TIME_WAIT && state != TCP_CLOSE && state != TCP_SYN_RECV;
}

enum class Lookup { found, absent, unavailable };

struct LookupResult {
  Lookup outcome = Lookup::unavailable;
  uid_t uid = 0;
};

// Asks sock_diag for the socket whose own side is `client` and whose far side is `server`.
LookupResult ask_sock_diag(const ip::tcp::endpoint& client, const ip::tcp::endpoint& server) {
  const ip::address client_address = unmapped(client.address());
  const ip::address server_address = unmapped(server.address());
  if (client_address.is_v4() != server_address.is_v4()) return {Lookup::absent};
  const int family = client_address.is_v4() ? AF_INET : AF_INET6;

  const int fd = ::socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
  if (fd < 0) return {};
  const timeval patience{1, 0};  // the kernel answers at once; never hang the caller
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &patience, sizeof patience);
  struct Request {
    nlmsghdr header;
    inet_diag_req_v2 body;
  } request{};
  request.header.nlmsg_len = sizeof request;
  request.header.nlmsg_type = SOCK_DIAG_BY_FAMILY;
  request.header.nlmsg_flags = NLM_F_REQUEST;
  request.header.nlmsg_seq = 1;
  request.body.sdiag_family = static_cast<__u8>(family);
  request.body.sdiag_protocol = IPPROTO_TCP;
  request.body.idiag_states = ~0u;
  request.body.id.idiag_sport = htons(client.port());
  request.body.id.idiag_dport = htons(server.port());
  const auto source = raw_bytes(client_address);
  const auto destination = raw_bytes(server_address);
  std::memcpy(request.body.id.idiag_src, source.data(), sizeof request.body.id.idiag_src);
  std::memcpy(request.body.id.idiag_dst, destination.data(), sizeof request.body.id.idiag_dst);
  request.body.id.idiag_cookie[0] = INET_DIAG_NOCOOKIE;
  request.body.id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;

  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  LookupResult result;
  if (::sendto(fd, &request, sizeof request, 0, reinterpret_cast<sockaddr*>(&kernel), sizeof kernel) ==
      static_cast<ssize_t>(sizeof request)) {
    alignas(nlmsghdr) char buffer[8192];
    ssize_t length;
    do {
      length = ::recv(fd, buffer, sizeof buffer, 0);
    } while (length < 0 && errno == EINTR);
    auto* message = reinterpret_cast<nlmsghdr*>(buffer);
    if (length > 0 && NLMSG_OK(message, static_cast<unsigned>(length))) {
      if (message->nlmsg_type == NLMSG_ERROR) {
        const auto* error = static_cast<const nlmsgerr*>(NLMSG_DATA(message));
        // ENOENT: no such socket; anything else (no inet_diag, refused): ask /proc instead.
        result.outcome = error->error == -ENOENT ? Lookup::absent : Lookup::unavailable;
      } else if (message->nlmsg_type == SOCK_DIAG_BY_FAMILY &&
                 message->nlmsg_len >= NLMSG_LENGTH(sizeof(inet_diag_msg))) {
        const auto* found = static_cast<const inet_diag_msg*>(NLMSG_DATA(message));
        // The kernel may answer with a listener on the port when no connection
        // matches: only the exact connection counts.
        const bool exact = ntohs(found->id.idiag_sport) == client.port() &&
                           ntohs(found->id.idiag_dport) == server.port() &&
                           address_from(found->idiag_family, found->id.idiag_src) == client_address &&
                           address_from(found->idiag_family, found->id.idiag_dst) == server_address;
        if (exact && is_owned_connection(found->idiag_state, found->idiag_inode)) {
          result = {Lookup::found, found->idiag_uid};
        } else {
          result.outcome = Lookup::absent;
        }
      }
    }
  }
  ::close(fd);
  return result;
}

// `address:port` as /proc/net/tcp{,6} prints it: each 32-bit word of the
// address in host order as %08X, then the port as %04X.
std::string proc_net_endpoint(const ip::address& address, unsigned short port) {
  const auto bytes = raw_bytes(address);
  const std::size_t words = address.is_v4() ? 1 : 4;
  std::string text;
  char chunk[16];
  for (std::size_t i = 0; i < words; ++i) {
    std::uint32_t word;
    std::memcpy(&word, bytes.data() + 4 * i, 4);
    std::snprintf(chunk, sizeof chunk, "%08X", word);
    text += chunk;
  }
  std::snprintf(chunk, sizeof chunk, ":%04X", port);
  return text + chunk;
}

LookupResult read_proc_net(const char* file, const std::string& local, const std::string& remote) {
  std::ifstream in(file);
  if (!in) return {};
  std::string line;
  std::getline(in, line);  // the header
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string slot, own, far, state_hex, queues, timer, retransmits;
    unsigned long uid = 0;
    long timeout = 0;
    unsigned long inode = 0;
    if (!(fields >> slot >> own >> far >> state_hex >> queues >> timer >> retransmits >> uid >> timeout >> inode)) continue;
    if (own != local || far != remote) continue;
    const unsigned state = static_cast<unsigned>(std::stoul(state_hex, nullptr, 16));
    if (!is_owned_connection(state, inode)) continue;
    return {Lookup::found, static_cast<uid_t>(uid)};
  }
  return {Lookup::absent};
}

LookupResult ask_proc_net(const ip::tcp::endpoint& client, const ip::tcp::endpoint& server) {
  const ip::address client_address = unmapped(client.address());
  const ip::address server_address = unmapped(server.address());
  if (client_address.is_v4() != server_address.is_v4()) return {Lookup::absent};
  if (client_address.is_v4()) {
    // A dual-stack IPv6 client socket lists IPv4 peers in tcp6, mapped.
    auto result = read_proc_net("/proc/net/tcp", proc_net_endpoint(client_address, client.port()),
                                proc_net_endpoint(server_address, server.port()));
    if (result.outcome == Lookup::found) return result;
    const auto mapped = [](const ip::address& a) {
      return ip::address(ip::make_address_v6(ip::v4_mapped, a.to_v4()));
    };
    auto mapped_result = read_proc_net("/proc/net/tcp6", proc_net_endpoint(mapped(client_address), client.port()),
                                       proc_net_endpoint(mapped(server_address), server.port()));
    return mapped_result.outcome == Lookup::unavailable ? result : mapped_result;
  }
  return read_proc_net("/proc/net/tcp6", proc_net_endpoint(client_address, client.port()),
                       proc_net_endpoint(server_address, server.port()));
}

}  // namespace

std::optional<uid_t> unix_socket_peer_uid(int fd) noexcept {
  ucred credentials{};
  socklen_t length = sizeof credentials;
  if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &credentials, &length) != 0 || length != sizeof credentials) {
    return std::nullopt;
  }
  return credentials.uid;
}

std::optional<uid_t> loopback_peer_uid(const ip::tcp::endpoint& local, const ip::tcp::endpoint& remote) noexcept {
  try {
    if (!unmapped(remote.address()).is_loopback()) return std::nullopt;
    auto result = ask_sock_diag(remote, local);
    if (result.outcome == Lookup::unavailable) result = ask_proc_net(remote, local);
    if (result.outcome != Lookup::found) return std::nullopt;
    return result.uid;
  } catch (...) {
    return std::nullopt;
  }
}

std::optional<std::string> user_name_of_uid(uid_t uid) {
  const long hint = ::sysconf(_SC_GETPW_R_SIZE_MAX);
  std::vector<char> buffer(hint > 0 ? static_cast<std::size_t>(hint) : 16384);
  for (;;) {
    passwd entry{};
    passwd* found = nullptr;
    const int error = ::getpwuid_r(uid, &entry, buffer.data(), buffer.size(), &found);
    if (error == ERANGE && buffer.size() < (1u << 22)) {
      buffer.resize(buffer.size() * 2);
      continue;
    }
    if (found && found->pw_name && found->pw_name[0] != '\0') return std::string(found->pw_name);
    return std::nullopt;
  }
}

}  // namespace notifyd::sdk
