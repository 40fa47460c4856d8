#include <catch2/catch.hpp>

#include <thread>

#include "sqlite_db.hpp"
#include "test_support.hpp"
#include "wal_checkpointer.hpp"

using namespace notifyd;
using namespace std::chrono_literals;

namespace {

// Commits one row holding `bytes` bytes.
void commit_blob(core::SqliteDb& db, std::size_t bytes) {
  auto insert = db.prepare("INSERT INTO blobs(data) VALUES (?1)");
  REQUIRE(insert.bind(1, std::string(bytes, 'x')).run());
}

bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout = 5s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

}  // namespace

TEST_CASE("the checkpointer copies a grown log into the database off the writer's thread") {
  test::TempDir dir;
  core::LogSink sink;
  core::PrefixedLogger log(sink, "test");
  const auto path = (dir.path() / "test.db").string();
  core::SqliteDb writer;
  REQUIRE(writer.open(path, false).ok);
  REQUIRE(writer.exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF; CREATE TABLE blobs(data BLOB)").ok);
  core::WalCheckpointer checkpointer(log);
  REQUIRE(checkpointer.start(path, writer.handle()).ok);

  // Below the wake threshold the log is left alone: the writer never checkpoints.
  commit_blob(writer, 100 * 4096);
  std::this_thread::sleep_for(200ms);
  CHECK(std::filesystem::file_size(path) < 100 * 4096);

  // Past it, the checkpointer copies the log into the database file.
  commit_blob(writer, core::WalCheckpointer::wake_pages * 4096);
  CHECK(eventually([&] { return std::filesystem::file_size(path) > core::WalCheckpointer::wake_pages * 4096; }));

  // And keeps doing so as the log grows again.
  for (int i = 0; i < 5; ++i) {
    commit_blob(writer, core::WalCheckpointer::wake_pages * 4096);
    CHECK(eventually([&] {
      return std::filesystem::file_size(path) > (i + 2) * core::WalCheckpointer::wake_pages * std::uintmax_t{4096};
    }));
  }

  checkpointer.stop();
  commit_blob(writer, 4096);  // the hook is gone with the thread
}
