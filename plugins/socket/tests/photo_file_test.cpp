#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include "photo_file.hpp"
#include "test_support.hpp"

using namespace notifyd;
using namespace notifyd::socket_api;
using notifyd::socket_api::testing::TempDir;
namespace fs = std::filesystem;

namespace {

void write_file(const fs::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
}

std::string error_of(const notifyd::sdk::Validated<PhotoFile>& result) { return result.error().body; }

// The test process itself as the caller.
sdk::http::PeerCredentials self() { return sdk::http::PeerCredentials{::getpid(), ::geteuid(), ::getegid(), {}}; }

}  // namespace

TEST_CASE("path_within compares whole components") {
  CHECK(path_within("/tmp/a.png", "/tmp"));
  CHECK(path_within("/tmp/sub/a.png", "/tmp"));
  CHECK(path_within("/tmp/a.png", "/tmp/"));
  CHECK(path_within("/tmp", "/tmp"));
  CHECK(path_within("/anything", "/"));
  CHECK_FALSE(path_within("/tmpx/a.png", "/tmp"));
  CHECK_FALSE(path_within("/tm", "/tmp"));
  CHECK_FALSE(path_within("/var/tmp/a.png", "/tmp"));
}

TEST_CASE("a photo the caller can read, inside photo_dirs, is read") {
  TempDir dir;
  const PhotoPolicy policy{{dir.path()}, 1 << 20};
  const std::string bytes = notifyd::testing::png_bytes + std::string(100, 'x');
  write_file(dir / "chart.png", bytes);

  auto photo = load_photo((dir / "chart.png").string(), policy, self());
  REQUIRE(photo.ok());
  CHECK(photo.value().bytes == bytes);
  CHECK(photo.value().type == sdk::ImageType::png);
  CHECK(photo.value().resolved == dir / "chart.png");

  // Without photo_dirs any readable file is allowed.
  CHECK(load_photo((dir / "chart.png").string(), PhotoPolicy{{}, 1 << 20}, self()).ok());

  // A symlink that stays inside the directory is fine; JPEG, GIF and WebP are recognised.
  fs::create_directory(dir / "sub");
  write_file(dir / "sub" / "photo.jpg", std::string("\xff\xd8\xff\xe0", 4) + "jpeg");
  fs::create_symlink(dir / "sub" / "photo.jpg", dir / "link.jpg");
  auto linked = load_photo((dir / "link.jpg").string(), policy, self());
  REQUIRE(linked.ok());
  CHECK(linked.value().type == sdk::ImageType::jpeg);
  CHECK(linked.value().resolved == dir / "sub" / "photo.jpg");
  // Dots in the path are resolved before the check.
  CHECK(load_photo((dir / "sub" / ".." / "chart.png").string(), policy, self()).ok());
}

TEST_CASE("photos outside the allowed directories are refused with 403") {
  TempDir allowed;
  TempDir elsewhere;
  const PhotoPolicy policy{{allowed.path()}, 1 << 20};
  write_file(elsewhere / "secret.png", notifyd::testing::png_bytes);

  auto outside = load_photo((elsewhere / "secret.png").string(), policy, self());
  REQUIRE_FALSE(outside.ok());
  CHECK(outside.error().status == 403);
  CHECK(error_of(outside) == R"json({"error":"photo_path is outside the allowed directories (photo_dirs)"})json");

  // A symlink inside the allowed directory pointing out of it.
  fs::create_symlink(elsewhere / "secret.png", allowed / "escape.png");
  CHECK(load_photo((allowed / "escape.png").string(), policy, self()).error().status == 403);

  // A symlinked directory pointing out of it.
  fs::create_directory_symlink(elsewhere.path(), allowed / "dir");
  CHECK(load_photo((allowed / "dir" / "secret.png").string(), policy, self()).error().status == 403);

  // `..` climbing out of it.
  const std::string climbing = allowed.path().string() + "/../" + elsewhere.path().filename().string() + "/secret.png";
  CHECK(load_photo(climbing, policy, self()).error().status == 403);

  // A sibling whose name merely starts with the allowed directory's name.
  const fs::path sibling = allowed.path().string() + "x";
  fs::create_directory(sibling);
  write_file(sibling / "a.png", notifyd::testing::png_bytes);
  CHECK(load_photo((sibling / "a.png").string(), policy, self()).error().status == 403);
  fs::remove_all(sibling);

  // A missing file is "not found or not readable" wherever it is named.
  CHECK(load_photo("/nonexistent-dir/x.png", policy, self()).error().status == 400);
}

TEST_CASE("photo_path must be absolute; missing, unreadable and odd files get one answer") {
  TempDir dir;
  const PhotoPolicy policy{{dir.path()}, 1 << 20};
  auto relative = load_photo("chart.png", policy, self());
  CHECK(relative.error().status == 400);
  CHECK(error_of(relative) == R"({"error":"photo_path must be an absolute path"})");

  const auto missing_path = (dir / "missing.png").string();
  auto missing = load_photo(missing_path, policy, self());
  CHECK(missing.error().status == 400);
  CHECK(error_of(missing) == R"({"error":"photo not found or not readable: )" + missing_path + R"("})");

  fs::create_directory(dir / "folder");
  CHECK(error_of(load_photo((dir / "folder").string(), policy, self())) ==
        R"({"error":"photo not found or not readable: )" + (dir / "folder").string() + R"("})");
  REQUIRE(::mkfifo((dir / "pipe").c_str(), 0600) == 0);
  CHECK(load_photo((dir / "pipe").string(), policy, self()).error().status == 400);
  fs::create_symlink(dir / "nowhere.png", dir / "dangling.png");
  CHECK(load_photo((dir / "dangling.png").string(), policy, self()).error().status == 400);
}

TEST_CASE("a file the caller may not read is answered like a missing one") {
  if (::geteuid() == 0) return;  // root reads everything; the integration tests cover other users
  TempDir dir;
  const PhotoPolicy policy{{}, 1 << 20};
  write_file(dir / "locked.png", notifyd::testing::png_bytes);
  fs::permissions(dir / "locked.png", fs::perms::none);
  const auto locked = load_photo((dir / "locked.png").string(), policy, self());
  CHECK(locked.error().status == 400);
  CHECK(error_of(locked).find("photo not found or not readable") != std::string::npos);
}

TEST_CASE("oversized photos are 413 and non-images 415") {
  TempDir dir;
  const PhotoPolicy policy{{dir.path()}, 64};
  write_file(dir / "big.png", notifyd::testing::png_bytes + std::string(100, 'x'));
  auto big = load_photo((dir / "big.png").string(), policy, self());
  CHECK(big.error().status == 413);
  CHECK(error_of(big) == R"({"error":"photo is larger than 64 bytes"})");

  write_file(dir / "exactly.png", notifyd::testing::png_bytes + std::string(64 - notifyd::testing::png_bytes.size(), 'x'));
  CHECK(load_photo((dir / "exactly.png").string(), policy, self()).ok());

  write_file(dir / "notes.png", "just some text");
  auto text = load_photo((dir / "notes.png").string(), policy, self());
  CHECK(text.error().status == 415);
  CHECK(error_of(text) == R"({"error":"photo is not a PNG, JPEG, GIF or WebP image"})");

  write_file(dir / "empty.png", "");
  CHECK(load_photo((dir / "empty.png").string(), policy, self()).error().status == 415);
}
