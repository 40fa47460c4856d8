#include <catch2/catch.hpp>

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include "doctor_probe.hpp"

using namespace notifyctl;
using namespace std::chrono_literals;

namespace {

class TemporaryDirectory {
 public:
  TemporaryDirectory() {
    char name[] = "/tmp/notifyctl-doctor-XXXXXX";
    REQUIRE(::mkdtemp(name) != nullptr);
    path_ = name;
  }
  TemporaryDirectory(const TemporaryDirectory&) = delete;
  TemporaryDirectory& operator=(const TemporaryDirectory&) = delete;
  ~TemporaryDirectory() { std::system(("rm -rf '" + path_ + "'").c_str()); }
  const std::string& path() const { return path_; }
  std::string write(const std::string& name, const std::string& text, mode_t mode = 0644) const {
    const std::string file = path_ + "/" + name;
    std::ofstream(file) << text;
    ::chmod(file.c_str(), mode);
    return file;
  }

 private:
  std::string path_;
};

}  // namespace

TEST_CASE("doctor reads data_dir, the socket and the telegram tables from the config", "[doctor_probe]") {
  const auto config = read_doctor_config("/etc/notifyd/notifyd.toml", R"(
[daemon]
data_dir = "data"
[[plugin]]
use = "socket"
path = "/run/notifyd/api.sock"
[[plugin]]
use = "telegram"
token_env = "TELEGRAM_BOT_TOKEN"
[[plugin]]
use = "telegram"
name = "ops"
token_file = "ops.token"
[[plugin]]
use = "socket"
name = "second"
path = "/tmp/other.sock"
)");
  CHECK(config.parse_error.empty());
  CHECK(config.data_dir == "/etc/notifyd/data");
  CHECK(config.socket_path == "/run/notifyd/api.sock");
  REQUIRE(config.telegram.size() == 2);
  CHECK(config.telegram[0].name == "telegram");
  CHECK(config.telegram[0].token_env == "TELEGRAM_BOT_TOKEN");
  CHECK(config.telegram[1].name == "ops");
  CHECK(config.telegram[1].token_file == "/etc/notifyd/ops.token");
}

TEST_CASE("doctor's config reading has the daemon's defaults and survives bad TOML", "[doctor_probe]") {
  const auto empty = read_doctor_config("/etc/notifyd/notifyd.toml", "");
  CHECK(empty.data_dir == "/var/lib/notifyd");
  CHECK_FALSE(empty.socket_path);
  const auto broken = read_doctor_config("/etc/notifyd/notifyd.toml", "[daemon\nx=");
  CHECK_FALSE(broken.parse_error.empty());
  const auto shipped = read_doctor_config("/etc/notifyd/notifyd.toml", "[[plugin]]\nuse = \"socket\"\n");
  CHECK(shipped.socket_path == "/run/notifyd/notifyd.sock");
}

TEST_CASE("environment files are read the way systemd reads them", "[doctor_probe]") {
  const std::string text =
      "# comment\n\nTELEGRAM_BOT_TOKEN=first\n  TELEGRAM_BOT_TOKEN = \"123:abc\" \nexport OTHER='x'\nEMPTY=\n";
  CHECK(environment_file_value(text, "TELEGRAM_BOT_TOKEN") == "123:abc");
  CHECK(environment_file_value(text, "OTHER") == "x");
  CHECK(environment_file_value(text, "EMPTY") == "");
  CHECK_FALSE(environment_file_value(text, "MISSING"));
  CHECK_FALSE(environment_file_value("#TELEGRAM_BOT_TOKEN=x\n", "TELEGRAM_BOT_TOKEN"));
}

TEST_CASE("the token is found in the env file or a token file", "[doctor_probe]") {
  TemporaryDirectory dir;
  const std::string env_file = dir.write("notifyd.env", "TELEGRAM_BOT_TOKEN=123:abc\nEMPTY_TOKEN=\n", 0600);
  CHECK(probe_telegram_token({"bot", "TELEGRAM_BOT_TOKEN", ""}, env_file).state == TokenFacts::State::present);
  CHECK(probe_telegram_token({"bot", "EMPTY_TOKEN", ""}, env_file).state == TokenFacts::State::empty);
  CHECK(probe_telegram_token({"bot", "OTHER_TOKEN", ""}, env_file).state == TokenFacts::State::absent);
  const std::string token_file = dir.write("bot.token", "123:abc\n", 0600);
  CHECK(probe_telegram_token({"bot", "", token_file}, env_file).state == TokenFacts::State::present);
  CHECK(probe_telegram_token({"bot", "", dir.path() + "/none"}, env_file).state == TokenFacts::State::absent);
}

TEST_CASE("config file and data dir probes see what is there", "[doctor_probe]") {
  TemporaryDirectory dir;
  std::string text;
  const auto missing = probe_config_file(dir.path() + "/none.toml", text);
  CHECK_FALSE(missing.exists);
  const auto present = probe_config_file(dir.write("notifyd.toml", "[daemon]\n"), text);
  CHECK(present.readable);
  CHECK(text == "[daemon]\n");

  const auto data = probe_data_dir(dir.path());
  CHECK(data.is_directory);
  CHECK(data.stat_error.empty());
  CHECK(data.free_bytes);
  CHECK(probe_data_dir(dir.path() + "/none").missing);
}

TEST_CASE("the socket probe tells a socket from a file and whether the caller may connect", "[doctor_probe]") {
  TemporaryDirectory dir;
  const std::string path = dir.path() + "/notifyd.sock";
  const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  path.copy(address.sun_path, sizeof address.sun_path - 1);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  ::chmod(path.c_str(), 0660);
  const auto facts = probe_socket(path);
  ::close(fd);
  CHECK(facts.is_socket);
  CHECK(facts.mode == 0660);
  CHECK(facts.caller_may_write);  // the caller owns it
  CHECK(facts.caller_is_owner);

  CHECK_FALSE(probe_socket(dir.write("plain", "")).is_socket);
  CHECK(probe_socket(dir.path() + "/none.sock").missing);
}

TEST_CASE("check-config runs the binary with the config and captures its verdict", "[doctor_probe]") {
  TemporaryDirectory dir;
  const std::string fake = dir.write("notifyd", "#!/bin/sh\necho \"$2: ok (3 plugins) $3\"\n[ \"$2\" = good ] || exit 1\n", 0755);
  auto good = probe_config_check(fake, "good", 10s);
  CHECK(good.exit_status == 0);
  CHECK(good.output == "good: ok (3 plugins) --check-config\n");
  auto bad = probe_config_check(fake, "bad", 10s);
  CHECK(bad.exit_status == 1);

  const std::string hanging = dir.write("hang", "#!/bin/sh\nsleep 30\n", 0755);
  auto hung = probe_config_check(hanging, "x", 200ms);
  CHECK(hung.timed_out);
  CHECK(probe_config_check(dir.path() + "/none", "x", 1s).start_error.size() > 0);
}
