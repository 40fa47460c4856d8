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

// A unix stream socket bound to `path`.
int bound_socket(const std::string& path) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  path.copy(address.sun_path, sizeof address.sun_path - 1);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  return fd;
}

}  // namespace

TEST_CASE("doctor reads the daemon's resolved config from --check-config --json", "[doctor_probe]") {
  const auto config = decode_resolved_config(
      R"({"config":"/etc/notifyd/notifyd.toml","ok":false,"mistakes":["/etc/notifyd/notifyd.toml:3:1: bad"],)"
      R"("data_dir":"/etc/notifyd/data","plugins":[)"
      R"({"name":"api","use":"socket","paths":{"path":"/run/notifyd/api.sock"},"secrets":{}},)"
      R"({"name":"bot","use":"telegram","paths":{},"secrets":{"token":{"env":"TELEGRAM_BOT_TOKEN"}}},)"
      R"({"name":"second","use":"socket","paths":{"path":"/tmp/other.sock"},"secrets":{}},)"
      R"({"name":"desktop","use":"websocket","paths":{},"secrets":{"jwt_secret":{"file":"/etc/notifyd/jwt"}}}]})");
  REQUIRE(config);
  CHECK_FALSE(config->ok);
  CHECK(config->mistakes == std::vector<std::string>{"/etc/notifyd/notifyd.toml:3:1: bad"});
  CHECK(config->data_dir == "/etc/notifyd/data");
  CHECK(config->socket_path == "/run/notifyd/api.sock");
  REQUIRE(config->secrets.size() == 2);
  CHECK(config->secrets[0].instance == "bot");
  CHECK(config->secrets[0].use == "telegram");
  CHECK(config->secrets[0].key == "token");
  CHECK(config->secrets[0].variable == "TELEGRAM_BOT_TOKEN");
  CHECK(config->secrets[1].key == "jwt_secret");
  CHECK(config->secrets[1].file == "/etc/notifyd/jwt");

  const auto unreadable = decode_resolved_config(R"({"config":null,"ok":false,"mistakes":["x: cannot be read"]})");
  REQUIRE(unreadable);
  CHECK_FALSE(unreadable->data_dir);
  CHECK_FALSE(decode_resolved_config("notifyd: unknown argument --json"));
  CHECK_FALSE(decode_resolved_config(R"({"ok":true})"));
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
  CHECK(probe_secret({"bot", "TELEGRAM_BOT_TOKEN", ""}, env_file).state == TokenFacts::State::present);
  CHECK(probe_secret({"bot", "EMPTY_TOKEN", ""}, env_file).state == TokenFacts::State::empty);
  CHECK(probe_secret({"bot", "OTHER_TOKEN", ""}, env_file).state == TokenFacts::State::absent);
  const std::string token_file = dir.write("bot.token", "123:abc\n", 0600);
  CHECK(probe_secret({"bot", "", token_file}, env_file).state == TokenFacts::State::present);
  CHECK(probe_secret({"bot", "", dir.path() + "/none"}, env_file).state == TokenFacts::State::absent);
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
  const int fd = bound_socket(path);
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

TEST_CASE("the daemon's config is found from the process behind the socket", "[doctor_probe]") {
  TemporaryDirectory dir;
  const std::string path = dir.path() + "/notifyd.sock";
  const int fd = bound_socket(path);
  REQUIRE(::listen(fd, 4) == 0);
  // This test binary runs without -c: the daemon's default applies.
  CHECK(daemon_config_path(path) == "/etc/notifyd/notifyd.toml");
  ::close(fd);
  CHECK_FALSE(daemon_config_path(path));
  CHECK_FALSE(daemon_config_path(dir.path() + "/none.sock"));
}

TEST_CASE("check-config runs the binary with the config and captures its verdict", "[doctor_probe]") {
  TemporaryDirectory dir;
  const std::string fake = dir.write("notifyd", "#!/bin/sh\necho \"$2: ok (3 plugins) $3\"\n[ \"$2\" = good ] || exit 1\n", 0755);
  auto good = probe_config_check(fake, "good", 10s);
  CHECK(good.exit_status == 0);
  CHECK(good.output == "good: ok (3 plugins) --check-config\n");
  auto bad = probe_config_check(fake, "bad", 10s);
  CHECK(bad.exit_status == 1);
  const std::string json = dir.write("json", "#!/bin/sh\necho \"$4\"\necho complaint >&2\n", 0755);
  auto separate = probe_config_check(json, "x", 10s);
  CHECK(separate.output == "--json\n");
  CHECK(separate.error_output == "complaint\n");

  const std::string hanging = dir.write("hang", "#!/bin/sh\nsleep 30\n", 0755);
  auto hung = probe_config_check(hanging, "x", 200ms);
  CHECK(hung.timed_out);
  CHECK(probe_config_check(dir.path() + "/none", "x", 1s).start_error.size() > 0);
}

TEST_CASE("the config's cluster and file permissions are decoded, the DSN only by its source", "[doctor_probe]") {
  const auto config = decode_resolved_config(
      R"({"config":"/etc/notifyd/notifyd.toml","ok":true,"mistakes":[],"data_dir":"/var/lib/notifyd",)"
      R"("files":{"mode":432,"gid":115},"cluster":{"backend":"postgres","dsn":{"env":"NOTIFYD_PG_DSN"}},"plugins":[]})");
  REQUIRE(config);
  CHECK(config->file_mode == 0660u);
  CHECK(config->file_gid == 115u);
  CHECK(config->cluster_backend == "postgres");
  REQUIRE(config->cluster_dsn);
  CHECK(config->cluster_dsn->variable == "NOTIFYD_PG_DSN");
  CHECK(config->cluster_dsn->key == "dsn");

  const auto local = decode_resolved_config(
      R"({"config":"/x.toml","ok":true,"mistakes":[],"data_dir":"/d","files":{"mode":416,"gid":null},)"
      R"("cluster":{"backend":"local","dsn":{}},"plugins":[]})");
  REQUIRE(local);
  CHECK(local->cluster_backend == "local");
  CHECK_FALSE(local->cluster_dsn);
  CHECK_FALSE(local->file_gid);
}

TEST_CASE("a secret is read from its file, else the environment, else the environment file", "[doctor_probe]") {
  TemporaryDirectory dir;
  const std::string file = dir.write("dsn", "host=db dbname=notifyd\n", 0600);
  const std::string env_file = dir.write("notifyd.env", "NOTIFYCTL_TEST_DSN=\"host=fromfile\"\n");
  std::string error;
  CHECK(read_secret({"cluster", "", file, "dsn"}, env_file, error) == "host=db dbname=notifyd");
  CHECK(read_secret({"cluster", "NOTIFYCTL_TEST_DSN", "", "dsn"}, env_file, error) == "host=fromfile");
  ::setenv("NOTIFYCTL_TEST_DSN", "host=fromenv", 1);
  CHECK(read_secret({"cluster", "NOTIFYCTL_TEST_DSN", "", "dsn"}, env_file, error) == "host=fromenv");
  ::unsetenv("NOTIFYCTL_TEST_DSN");
  CHECK_FALSE(read_secret({"cluster", "NOTIFYCTL_TEST_DSN", "", "dsn"}, dir.path() + "/none.env", error));
  CHECK(error.starts_with("NOTIFYCTL_TEST_DSN is not set in the environment (and " + dir.path() + "/none.env cannot be read"));
  CHECK_FALSE(read_secret({"cluster", "", dir.path() + "/missing", "dsn"}, env_file, error));
  CHECK(error == "cannot read dsn_file " + dir.path() + "/missing: No such file or directory");
  CHECK_FALSE(read_secret({"cluster", "", dir.write("empty", "\n"), "dsn"}, env_file, error));
  CHECK(error == "dsn_file " + dir.path() + "/empty is empty");
}

TEST_CASE("a PostgreSQL that does not answer is reported with libpq's reason", "[doctor_probe]") {
  const auto facts = probe_postgres("host=127.0.0.1 port=1 dbname=none connect_timeout=2");
  CHECK_FALSE(facts.connected);
  CHECK(facts.error.starts_with("cannot connect to PostgreSQL: "));
  CHECK(facts.expected_version >= 1);
}
