#include <catch2/catch.hpp>

#include <sys/stat.h>

#include "script_safety.hpp"
#include "test_support.hpp"

using namespace notifyd::exec;
using namespace notifyd::exec::testing;

namespace {

FileFacts file(mode_t permissions, uid_t owner = 1000) { return {static_cast<mode_t>(S_IFREG | permissions), owner}; }
FileFacts directory(mode_t permissions, uid_t owner = 1000) { return {static_cast<mode_t>(S_IFDIR | permissions), owner}; }

}  // namespace

TEST_CASE("a private or read-only script of its user is safe", "[safety]") {
  CHECK_FALSE(script_file_problem("/h/a.py", file(0644), 1000, "alice"));
  CHECK_FALSE(script_file_problem("/h/a.py", file(0700), 1000, "alice"));
  CHECK_FALSE(script_file_problem("/h/a.py", file(0444), 1000, "alice"));
}

TEST_CASE("scripts others could change are refused", "[safety]") {
  const auto group = script_file_problem("/h/a.py", file(0664), 1000, "alice");
  REQUIRE(group);
  CHECK(group->find("writable by its group (mode 0664)") != std::string::npos);
  CHECK(group->find("chmod go-w /h/a.py") != std::string::npos);
  const auto others = script_file_problem("/h/a.py", file(0646), 1000, "alice");
  REQUIRE(others);
  CHECK(others->find("writable by others") != std::string::npos);
  const auto foreign = script_file_problem("/h/a.py", file(0644, 0), 1000, "alice");
  REQUIRE(foreign);
  CHECK(foreign->find("belongs to uid 0, not to alice (uid 1000)") != std::string::npos);
  const auto fifo = script_file_problem("/h/a.py", {static_cast<mode_t>(S_IFIFO | 0644), 1000}, 1000, "alice");
  REQUIRE(fifo);
  CHECK(fifo->find("not a regular file") != std::string::npos);
}

TEST_CASE("the directory must not let others replace the script", "[safety]") {
  CHECK_FALSE(script_directory_problem("/h/n", directory(0755), 1000, "alice"));
  CHECK_FALSE(script_directory_problem("/h/n", directory(0775), 1000, "alice"));
  CHECK_FALSE(script_directory_problem("/tmp", directory(01777, 0), 1000, "alice"));
  const auto open = script_directory_problem("/h/n", directory(0777), 1000, "alice");
  REQUIRE(open);
  CHECK(open->find("writable by others without the sticky bit (mode 0777)") != std::string::npos);
  const auto foreign = script_directory_problem("/h/n", directory(0755, 1001), 1000, "alice");
  REQUIRE(foreign);
  CHECK(foreign->find("belongs to uid 1001, neither alice nor root") != std::string::npos);
}

TEST_CASE("inspect_script checks real files, following symbolic links", "[safety]") {
  TempDir dir;
  const uid_t me = ::geteuid();
  const std::string user = current_user();
  write_file(dir / "ok.py", "print(1)\n", 0644);
  write_file(dir / "group.py", "print(1)\n", 0664);
  CHECK(inspect_script(dir / "ok.py", me, user));
  CHECK(inspect_script(dir / "group.py", me, user).message.find("writable by its group") != std::string::npos);
  CHECK(inspect_script(dir / "missing.py", me, user).message.find("does not exist") != std::string::npos);
  CHECK(inspect_script(dir / "ok.py", me + 1, user).message.find("belongs to uid") != std::string::npos);

  std::filesystem::create_symlink(dir / "ok.py", dir / "link.py");
  CHECK(inspect_script(dir / "link.py", me, user));
  std::filesystem::create_symlink(dir / "group.py", dir / "bad_link.py");
  CHECK_FALSE(inspect_script(dir / "bad_link.py", me, user));
  std::filesystem::create_symlink(dir / "nowhere.py", dir / "dangling.py");
  CHECK(inspect_script(dir / "dangling.py", me, user).message.find("does not resolve") != std::string::npos);

  ::chmod(dir.path().c_str(), 0777);
  CHECK(inspect_script(dir / "ok.py", me, user).message.find("writable by others without the sticky bit") !=
        std::string::npos);
  ::chmod(dir.path().c_str(), 0700);
}
