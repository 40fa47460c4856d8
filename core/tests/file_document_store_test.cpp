#include <catch2/catch.hpp>

#include <sys/file.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <thread>
#include <vector>

#include "file_document_store.hpp"
#include "notifyd/sdk/unix_socket_file.hpp"
#include "log_sink.hpp"
#include "sqlite_notification_store.hpp"
#include "test_support.hpp"

using namespace notifyd;
using namespace notifyd::core;
using notifyd::test::TempDir;

namespace {

mode_t mode_of(const std::filesystem::path& path) {
  struct stat info {};
  REQUIRE(::stat(path.c_str(), &info) == 0);
  return info.st_mode & 07777;
}

// Writes `content` in place, as a program without atomic writes does.
void write_in_place(const std::filesystem::path& path, const std::string& content) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << content;
}

}  // namespace

TEST_CASE("the stamp changes with every write, by rename or in place") {
  TempDir dir;
  FileDocumentStore store(dir.path());
  CHECK_FALSE(store.stamp("doc.json").value().exists);
  REQUIRE(store.write("doc.json", "one").ok);
  const auto first = store.stamp("doc.json").value();
  CHECK(first.exists);
  CHECK(store.stamp("doc.json").value() == first);
  const auto snapshot = store.snapshot("doc.json").value();
  CHECK(snapshot.content == std::optional<std::string>("one"));
  CHECK(snapshot.stamp == first);

  REQUIRE(store.write("doc.json", "two").ok);
  const auto second = store.stamp("doc.json").value();
  CHECK_FALSE(second == first);
  write_in_place(dir.path() / "doc.json", "three");
  CHECK_FALSE(store.stamp("doc.json").value() == second);
}

TEST_CASE("write_if sees an edit in place by another program, and refuses a fence it cannot check") {
  TempDir dir;
  FileDocumentStore store(dir.path());
  auto created = store.write_if("doc.json", "one", 0);
  REQUIRE(created.ok());
  REQUIRE(created.value().outcome == sdk::WriteOutcome::written);
  const auto read = store.read_versioned("doc.json").value();
  CHECK(read.version == created.value().version);
  write_in_place(dir.path() / "doc.json", "two");
  auto stale = store.write_if("doc.json", "three", read.version);
  REQUIRE(stale.ok());
  CHECK(stale.value().outcome == sdk::WriteOutcome::changed);
  CHECK(stale.value().version == store.read_versioned("doc.json").value().version);
  CHECK(store.read("doc.json").value() == std::optional<std::string>("two"));

  auto fenced = store.write_if("doc.json", "four", sdk::DocumentStore::any_version, sdk::Fence{"lease", "me", 1});
  CHECK_FALSE(fenced.ok());
  CHECK(store.read("doc.json").value() == std::optional<std::string>("two"));
  CHECK_FALSE(store.write_if("../outside.json", "x", 0).ok());
}

TEST_CASE("update reads, changes and writes the current file; nullopt leaves it alone") {
  TempDir dir;
  FileDocumentStore store(dir.path());
  auto created = store.update("doc.json", [](const std::optional<std::string>& current) {
    CHECK_FALSE(current);
    return sdk::Result<std::optional<std::string>>(std::optional<std::string>("a"));
  });
  REQUIRE(created.ok());
  CHECK(created.value().stamp == store.stamp("doc.json").value());
  write_in_place(dir.path() / "doc.json", "a+other");
  auto appended = store.update("doc.json", [](const std::optional<std::string>& current) {
    return sdk::Result<std::optional<std::string>>(std::optional<std::string>(*current + "+mine"));
  });
  REQUIRE(appended.ok());
  CHECK(store.read("doc.json").value() == std::optional<std::string>("a+other+mine"));
  const auto before = store.stamp("doc.json").value();
  auto untouched = store.update("doc.json", [](const std::optional<std::string>&) {
    return sdk::Result<std::optional<std::string>>(std::optional<std::string>{});
  });
  REQUIRE(untouched.ok());
  CHECK(store.stamp("doc.json").value() == before);
  auto refused = store.update("doc.json", [](const std::optional<std::string>&) {
    return sdk::Result<std::optional<std::string>>::failure("no");
  });
  CHECK(refused.error() == "no");
  CHECK(std::filesystem::exists(dir.path() / "doc.json.lock"));
}

TEST_CASE("updates from two threads and another process's lock holder never lose a change") {
  TempDir dir;
  FileDocumentStore store(dir.path());
  REQUIRE(store.write("count", "0").ok);
  std::atomic<int> failures{0};  // Catch2's assertions are not for other threads
  const auto increment = [&] {
    for (int i = 0; i < 50; ++i) {
      auto result = store.update("count", [](const std::optional<std::string>& current) {
        return sdk::Result<std::optional<std::string>>(std::optional<std::string>(std::to_string(std::stoi(*current) + 1)));
      });
      if (!result) ++failures;
    }
  };
  // A second writer that takes the same flock, as another program would.
  const auto foreign = [&] {
    for (int i = 0; i < 50; ++i) {
      const int fd = ::open((dir.path() / "count.lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
      if (fd < 0 || ::flock(fd, LOCK_EX) != 0) {
        ++failures;
        continue;
      }
      std::ifstream in(dir.path() / "count");
      int value = 0;
      in >> value;
      std::ofstream(dir.path() / "count.new") << value + 1;
      std::filesystem::rename(dir.path() / "count.new", dir.path() / "count");
      ::close(fd);
    }
  };
  std::thread a(increment), b(increment), c(foreign);
  a.join();
  b.join();
  c.join();
  CHECK(failures == 0);
  CHECK(store.read("count").value() == std::optional<std::string>("150"));
}

TEST_CASE("files get the configured mode and group whatever the umask") {
  TempDir dir;
  const mode_t old_umask = ::umask(077);
  FilePermissions permissions{0660, ::getegid(), "own"};
  FileDocumentStore store(dir.path(), permissions);
  REQUIRE(store.write("a.json", "{}").ok);
  REQUIRE(store.update("b.json", [](const std::optional<std::string>&) {
    return sdk::Result<std::optional<std::string>>(std::optional<std::string>("{}"));
  }).ok());
  ::umask(old_umask);
  CHECK(mode_of(dir.path() / "a.json") == 0660);
  CHECK(mode_of(dir.path() / "b.json") == 0660);
  CHECK(mode_of(dir.path() / "b.json.lock") == 0660);

  CHECK(sdk::parse_octal_mode("0660") == std::optional<mode_t>(0660));
  CHECK(sdk::parse_octal_mode("640") == std::optional<mode_t>(0640));
  CHECK_FALSE(sdk::parse_octal_mode("0999"));
  CHECK_FALSE(sdk::parse_octal_mode("rw"));
  CHECK_FALSE(sdk::lookup_group("no-such-group-notifyd-test").ok());
}

TEST_CASE("the store's database files get the configured mode whatever the umask") {
  TempDir dir;
  const mode_t old_umask = ::umask(022);
  LogSink sink;
  PrefixedLogger log(sink, "test");
  {
    SqliteNotificationStore store(dir.path(), log, FilePermissions{0660, std::nullopt, ""});
    REQUIRE(store.open().ok);
    CHECK(mode_of(dir.path() / "notifyd.db") == 0660);
    CHECK(mode_of(dir.path() / "notifyd.db-wal") == 0660);
    CHECK(mode_of(dir.path() / "notifyd.db-shm") == 0660);
    store.close();
  }
  ::umask(old_umask);
}
