#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/stat.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "contract_json.hpp"
#include "loaded_check.hpp"

using namespace std::chrono_literals;
using notifyd::examples::testing::contract_json;
using notifyd::examples::testing::LoadedCheck;
namespace sdk = notifyd::sdk;
namespace fs = std::filesystem;

namespace {

/// A directory under /tmp, removed afterwards.
class TempDir {
 public:
  TempDir() {
    char pattern[] = "/tmp/nd-freshness-XXXXXX";
    if (!::mkdtemp(pattern)) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string file(const std::string& name, std::chrono::seconds age) const {
    const fs::path path = path_ / name;
    std::ofstream(path) << "x\n";
    const auto when = std::chrono::system_clock::now() - age;
    const auto since_epoch = std::chrono::duration_cast<std::chrono::seconds>(when.time_since_epoch()).count();
    timespec times[2] = {{since_epoch, 0}, {since_epoch, 0}};
    ::utimensat(AT_FDCWD, path.c_str(), times, 0);
    return path.string();
  }
  std::string missing(const std::string& name) const { return (path_ / name).string(); }

 private:
  fs::path path_;
};

LoadedCheck watch(const std::string& path, std::chrono::milliseconds max_age = 1h) {
  return LoadedCheck(FILE_FRESHNESS_LIBRARY, {{"path", path}, {"max_age", max_age}});
}

}  // namespace

TEST_CASE("file_freshness exports a check with a required path and a max_age") {
  LoadedCheck check(FILE_FRESHNESS_LIBRARY, {{"path", std::string("/etc/hostname")}});
  CHECK(std::string(check.descriptor().name) == "file_freshness");
  REQUIRE(check.schema().find("path"));
  CHECK(check.schema().find("path")->required);
  REQUIRE(check.schema().find("max_age"));
  CHECK(check.schema().find("max_age")->type == sdk::ConfigType::duration);
}

TEST_CASE("file_freshness is quiet for a file modified within max_age") {
  TempDir dir;
  auto check = watch(dir.file("fresh.csv", 10min));
  REQUIRE(check.configured());
  auto result = check.run();
  REQUIRE(result.ok());
  CHECK_FALSE(result->notify);
  CHECK(result->data_json.find("\"exists\":true") != std::string::npos);
  CHECK(sdk::parse_check_result(contract_json(result.value())).ok());
}

TEST_CASE("file_freshness notifies for a file older than max_age, with its age") {
  TempDir dir;
  const auto path = dir.file("stale_export.csv", 2h + 5min);
  auto check = watch(path);
  auto result = check.run();
  REQUIRE(result.ok());
  CHECK(result->notify);
  CHECK(result->title == "Stale: " + path);
  CHECK(result->message.find("`" + path + "` was last modified ") == 0);
  CHECK(result->message.find(", 2h5m") != std::string::npos);
  CHECK(result->message.find("ago (limit 1h).") != std::string::npos);
  CHECK(sdk::parse_check_result(contract_json(result.value())).ok());
}

TEST_CASE("file_freshness notifies for a missing file") {
  TempDir dir;
  const auto path = dir.missing("never-written.parquet");
  auto check = watch(path, 26h);
  auto result = check.run();
  REQUIRE(result.ok());
  CHECK(result->notify);
  CHECK(result->title == "Missing: " + path);
  CHECK(result->message.find("does not exist") != std::string::npos);
  CHECK(result->data_json == "{\"path\":\"" + path + "\",\"exists\":false}");
}

TEST_CASE("file_freshness counts a modification time in the future as fresh") {
  TempDir dir;
  auto check = watch(dir.file("clock-skew.csv", -1h));
  auto result = check.run();
  REQUIRE(result.ok());
  CHECK_FALSE(result->notify);
}

TEST_CASE("file_freshness refuses a max_age of zero") {
  CHECK_FALSE(watch("/etc/hostname", 0ms).configured());
}
