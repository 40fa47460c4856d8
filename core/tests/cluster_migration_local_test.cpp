#include <catch2/catch.hpp>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "cluster_migration.hpp"
#include "store_lock.hpp"

// The parts of cluster_migration.hpp that need no database: what counts as a
// document, the store lock, and the refusals made before connecting.

namespace fs = std::filesystem;
using namespace notifyd::core;

namespace {

struct DataDir {
  DataDir() {
    char name[] = "/tmp/nd-migration-XXXXXX";
    REQUIRE(::mkdtemp(name) != nullptr);
    path = name;
  }
  ~DataDir() { fs::remove_all(path); }
  void write(const std::string& name, const std::string& text = "{}") const {
    fs::create_directories((path / name).parent_path());
    std::ofstream(path / name) << text;
  }
  fs::path path;
};

}  // namespace

TEST_CASE("the documents of a data directory are its files except the store's, saved keys, locks and temp files",
          "[cluster]") {
  DataDir dir;
  for (const auto* name : {"telegram_users.json", "pending_codes.json", "bot_telegram_state.json", "cron_state.json",
                           "cooldowns/alice/disk.json", "websocket_desktop_users.json", "notifyd.db",
                           "notifyd.db-wal", "notifyd.db-shm", "images/1.png", "telegram_users.json.lock",
                           ".pending_codes.json.tmp123456", "cooldowns/alice/.disk.json.tmp7", "ephemeral.json"}) {
    dir.write(name);
  }
  fs::create_symlink("/etc/passwd", dir.path / "linked.json");
  const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  (dir.path / "api.sock").string().copy(address.sun_path, sizeof address.sun_path - 1);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);

  const auto listed = list_data_dir_documents(dir.path);
  ::close(fd);
  REQUIRE(listed.ok());
  CHECK(listed.value().names == std::vector<std::string>{"bot_telegram_state.json", "cooldowns/alice/disk.json",
                                                         "cron_state.json", "pending_codes.json",
                                                         "telegram_users.json", "websocket_desktop_users.json"});
  CHECK(listed.value().skipped == std::vector<std::string>{"api.sock (not a regular file)", "linked.json (a symbolic link)"});
  CHECK_FALSE(list_data_dir_documents(dir.path / "missing").ok());
}

TEST_CASE("a data directory's store lock has one holder, named in the refusal", "[cluster]") {
  DataDir dir;
  auto first = StoreLock::take(dir.path);
  REQUIRE(first.ok());
  auto second = StoreLock::take(dir.path);
  REQUIRE_FALSE(second.ok());
  CHECK(second.error() == "the store in " + dir.path.string() + " is in use by process " + std::to_string(::getpid()));
  first.value().reset();
  CHECK(StoreLock::take(dir.path).ok());
}

TEST_CASE("an import is refused while the data directory's store is open, before any connection", "[cluster]") {
  DataDir dir;
  auto held = StoreLock::take(dir.path);
  REQUIRE(held.ok());
  PgSession unused("host=127.0.0.1 port=1 dbname=none connect_timeout=1");
  const auto imported = import_data_dir(dir.path, unused, false);
  REQUIRE_FALSE(imported.ok());
  CHECK(imported.error() == "the store in " + dir.path.string() + " is in use by process " +
                                std::to_string(::getpid()) + ": stop the notifyd that uses it first");
}

TEST_CASE("an export is refused into a directory that is not empty, which it leaves alone", "[cluster]") {
  DataDir dir;
  dir.write("keep.txt", "mine");
  PgSession unused("host=127.0.0.1 port=1 dbname=none connect_timeout=1");
  struct Silent final : notifyd::sdk::Logger {
    void write(notifyd::sdk::LogLevel, std::string_view) noexcept override {}
    bool enabled(notifyd::sdk::LogLevel) const noexcept override { return false; }
  } log;
  const auto exported = export_data_dir(unused, dir.path, {}, log);
  REQUIRE_FALSE(exported.ok());
  CHECK(exported.error() == dir.path.string() + " is not empty: export into a new directory");
  CHECK(fs::exists(dir.path / "keep.txt"));
}

TEST_CASE("bytea in PostgreSQL's hex text is decoded, anything else refused", "[cluster]") {
  CHECK(decode_pg_bytea("\\x00ff41").value() == std::string("\0\xff" "A", 3));
  CHECK(decode_pg_bytea("\\x").value().empty());
  CHECK_FALSE(decode_pg_bytea("\\x0").ok());
  CHECK_FALSE(decode_pg_bytea("\\xzz").ok());
  CHECK_FALSE(decode_pg_bytea("abc").ok());
}
