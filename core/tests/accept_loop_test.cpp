#include <catch2/catch.hpp>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <stdexcept>
#include <thread>

#include <boost/asio/local/stream_protocol.hpp>

#include "notifyd/sdk/accept_loop.hpp"
#include "test_support.hpp"

using namespace notifyd;
using Protocol = boost::asio::local::stream_protocol;

namespace {

// Connects to `path` and returns the descriptor (closed by the caller).
int connect_to(const std::string& path) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  path.copy(address.sun_path, sizeof address.sun_path - 1);
  REQUIRE(::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0);
  return fd;
}

}  // namespace

TEST_CASE("the accept loop hands over every connection, goes on after a throw, and stops") {
  test::TempDir dir;
  const std::string path = (dir.path() / "loop.sock").string();
  boost::asio::io_context io;
  core::LogSink sink;
  core::PrefixedLogger log(sink, "test");
  auto loop = std::make_shared<sdk::AcceptLoop<Protocol>>(io.get_executor(), io, log);
  loop->acceptor().open(Protocol());
  loop->acceptor().bind(Protocol::endpoint(path));
  loop->acceptor().listen();

  std::vector<Protocol::socket> accepted;
  int calls = 0;
  loop->run([&](Protocol::socket socket) {
    if (++calls == 1) throw std::runtime_error("the first one is refused");
    accepted.push_back(std::move(socket));
  });
  std::vector<int> clients;
  for (int i = 0; i < 3; ++i) clients.push_back(connect_to(path));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (calls < 3 && std::chrono::steady_clock::now() < deadline) io.run_for(std::chrono::milliseconds(10));
  CHECK(calls == 3);
  REQUIRE(accepted.size() == 2);
  CHECK(accepted.front().is_open());

  loop->stop();
  io.restart();
  io.run_for(std::chrono::milliseconds(50));
  CHECK_FALSE(loop->acceptor().is_open());
  CHECK(loop.use_count() == 1);  // no accept pending any more
  for (const int fd : clients) ::close(fd);
}
