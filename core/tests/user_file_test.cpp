#include <catch2/catch.hpp>

#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "notifyd/sdk/user_file.hpp"
#include "test_support.hpp"

using notifyd::sdk::read_file_as_user;

namespace {

// Who the file reads are for: an unprivileged account every Debian system has.
constexpr const char* reader = "nobody";

std::string unreadable(const std::filesystem::path& path) {
  return path.string() + " cannot be read by nobody (it does not exist, or nobody may not read it)";
}

}  // namespace

TEST_CASE("a file is read with its reader's permissions, and what they may not read looks missing") {
  if (::geteuid() != 0 || ::getpwnam(reader) == nullptr) {
    WARN("skipped: needs root and the user nobody");
    return;
  }
  notifyd::test::TempDir dir;
  ::chmod(dir.path().c_str(), 0755);
  const auto open = dir.write("open.png", "open bytes");
  ::chmod(open.c_str(), 0644);
  const auto secret = dir.write("secret.png", "root's bytes");
  ::chmod(secret.c_str(), 0600);
  const auto link = dir.path() / "link.png";
  std::filesystem::create_symlink(secret, link);
  const auto open_link = dir.path() / "open_link.png";
  std::filesystem::create_symlink(open, open_link);
  const auto closed = dir.path() / "closed";
  std::filesystem::create_directory(closed);
  ::chmod(closed.c_str(), 0700);
  const auto hidden = closed / "inside.png";
  dir.write("closed/inside.png", "hidden bytes");
  ::chmod(hidden.c_str(), 0644);

  CHECK(read_file_as_user(reader, open.string(), 100).value() == "open bytes");
  CHECK(read_file_as_user(reader, open_link.string(), 100).value() == "open bytes");
  for (const auto& path : {secret, link, hidden, dir.path() / "missing.png"}) {
    INFO(path);
    auto read = read_file_as_user(reader, path.string(), 100);
    REQUIRE_FALSE(read.ok());
    CHECK(read.error() == unreadable(path));
  }
  CHECK(read_file_as_user(reader, dir.path().string(), 100).error() == dir.path().string() + " is not a regular file");
  CHECK(read_file_as_user(reader, open.string(), 4).error() == open.string() + " is larger than 4 bytes");
  CHECK(read_file_as_user("no_such_user_here", open.string(), 100).error() ==
        open.string() + " cannot be read by no_such_user_here (it does not exist, or no_such_user_here may not read it)");

  // The thread is root again afterwards.
  CHECK(read_file_as_user("root", secret.string(), 100).value() == "root's bytes");
  const int fd = ::open(hidden.c_str(), O_RDONLY | O_CLOEXEC);
  CHECK(fd >= 0);
  if (fd >= 0) ::close(fd);
}
