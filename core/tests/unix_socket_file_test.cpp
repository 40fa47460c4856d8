// The SDK's unix socket files: stale ones replaced, live ones and other files never taken over, removal only of our own.

#include <catch2/catch.hpp>

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "notifyd/sdk/unix_socket_file.hpp"
#include "notifyd/testing/http_client.hpp"
#include "notifyd/testing/temp_dir.hpp"

using namespace notifyd::sdk;
using notifyd::testing::TempDir;
namespace fs = std::filesystem;

namespace {

// A socket bound at `path`; listening when `listen` is true.
int bound_socket(const fs::path& path, bool listen) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, path.c_str(), sizeof(address.sun_path) - 1);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  if (listen) REQUIRE(::listen(fd, 4) == 0);
  return fd;
}

bool only_entry_is(const fs::path& dir, const std::string& name) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) names.push_back(entry.path().filename().string());
  return names == std::vector<std::string>{name};
}

}  // namespace

TEST_CASE("socket file: a free path is fine") {
  TempDir dir;
  auto cleared = clear_socket_path(dir / "n.sock");
  REQUIRE(cleared.ok());
  CHECK_FALSE(cleared.value());
}

TEST_CASE("socket file: a stale socket is removed") {
  TempDir dir;
  ::close(bound_socket(dir / "n.sock", false));
  REQUIRE(fs::exists(fs::symlink_status(dir / "n.sock")));
  auto cleared = clear_socket_path(dir / "n.sock");
  REQUIRE(cleared.ok());
  CHECK(cleared.value());
  CHECK_FALSE(fs::exists(fs::symlink_status(dir / "n.sock")));
}

TEST_CASE("socket file: a live socket is never taken over") {
  TempDir dir;
  const int fd = bound_socket(dir / "n.sock", true);
  auto cleared = clear_socket_path(dir / "n.sock");
  REQUIRE_FALSE(cleared.ok());
  CHECK(cleared.error() == "another notifyd is listening on " + (dir / "n.sock").string());
  CHECK(fs::exists(fs::symlink_status(dir / "n.sock")));
  CHECK_FALSE(open_listening_socket(dir / "n.sock", 0660, std::nullopt).ok());
  ::close(fd);
}

TEST_CASE("socket file: something that is not a socket is never replaced") {
  TempDir dir;
  std::ofstream(dir / "n.sock") << "data";
  auto cleared = clear_socket_path(dir / "n.sock");
  REQUIRE_FALSE(cleared.ok());
  CHECK(cleared.error().find("is not a socket") != std::string::npos);
  fs::create_symlink("/etc/passwd", dir / "l.sock");
  CHECK_FALSE(clear_socket_path(dir / "l.sock").ok());
}

TEST_CASE("socket file: the socket is created with its mode, in a new directory if needed, and removed only if still ours") {
  TempDir dir;
  const fs::path path = dir / "run" / "n.sock";
  auto socket = open_listening_socket(path, 0640, ::getegid());
  REQUIRE(socket.ok());
  CHECK(socket.value().fd >= 0);
  CHECK_FALSE(socket.value().removed_stale);

  struct stat info {};
  REQUIRE(::lstat(path.c_str(), &info) == 0);
  CHECK(S_ISSOCK(info.st_mode));
  CHECK((info.st_mode & 07777) == 0640);
  CHECK(info.st_gid == ::getegid());
  CHECK(only_entry_is(dir / "run", "n.sock"));  // no staging directory left behind

  // It answers connections.
  notifyd::testing::HttpClient client(path);

  // A second instance refuses to start.
  auto second = open_listening_socket(path, 0640, std::nullopt);
  REQUIRE_FALSE(second.ok());
  CHECK(second.error().find("another notifyd is listening") != std::string::npos);
  CHECK(only_entry_is(dir / "run", "n.sock"));

  remove_socket_file(socket.value().file);
  CHECK_FALSE(fs::exists(fs::symlink_status(path)));
  ::close(socket.value().fd);
}

TEST_CASE("socket file: a socket file replaced by someone else is left alone at stop") {
  TempDir dir;
  const fs::path path = dir / "n.sock";
  auto socket = open_listening_socket(path, 0600, std::nullopt);
  REQUIRE(socket.ok());
  ::close(socket.value().fd);
  fs::remove(path);
  std::ofstream(path) << "someone else's";
  remove_socket_file(socket.value().file);
  CHECK(fs::exists(path));
}

TEST_CASE("socket file: a stale socket left by a crash is replaced at start") {
  TempDir dir;
  const fs::path path = dir / "n.sock";
  ::close(bound_socket(path, false));
  auto socket = open_listening_socket(path, 0660, std::nullopt);
  REQUIRE(socket.ok());
  CHECK(socket.value().removed_stale);
  ::close(socket.value().fd);
}
