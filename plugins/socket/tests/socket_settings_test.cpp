#include <catch2/catch.hpp>

#include <grp.h>
#include <unistd.h>

#include "notifyd/testing/problem_lines.hpp"
#include "socket_settings.hpp"
#include "test_support.hpp"

using namespace notifyd;
using namespace notifyd::socket_api;
using notifyd::socket_api::testing::make_config;
using notifyd::socket_api::testing::TempDir;
using namespace std::chrono_literals;

TEST_CASE("octal modes") {
  CHECK(parse_octal_mode("0660") == mode_t{0660});
  CHECK(parse_octal_mode("660") == mode_t{0660});
  CHECK(parse_octal_mode("0777") == mode_t{0777});
  CHECK(parse_octal_mode("0") == mode_t{0});
  CHECK_FALSE(parse_octal_mode(""));
  CHECK_FALSE(parse_octal_mode("0800"));
  CHECK_FALSE(parse_octal_mode("1777"));
  CHECK_FALSE(parse_octal_mode("4755"));
  CHECK_FALSE(parse_octal_mode("00660"));
  CHECK_FALSE(parse_octal_mode("rw-rw----"));
  CHECK_FALSE(parse_octal_mode("-660"));
  CHECK(format_octal_mode(0660) == "0660");
}

TEST_CASE("defaults are valid") {
  auto settings = read_socket_settings(make_config());
  REQUIRE(settings.ok());
  CHECK(settings.value().path == "/run/notifyd/notifyd.sock");
  CHECK(settings.value().mode == 0660);
  CHECK_FALSE(settings.value().group);
  CHECK(settings.value().photos.max_bytes == 10u << 20);
  CHECK(settings.value().photos.directories.empty());  // any file the caller can read
  CHECK(settings.value().max_connections_per_user == 32);
  CHECK(settings.value().reserved_connections == 16);
  CHECK(settings.value().history_page_bytes == 1u << 20);
  const auto& server = settings.value().server;
  CHECK(server.listen.unix_path == "/run/notifyd/notifyd.sock");
  CHECK(server.socket_mode == 0660);
  CHECK_FALSE(server.socket_group);
  CHECK_FALSE(server.tls());
  CHECK(server.max_connections == 256);
  CHECK(server.body_limit == 1u << 20);
  CHECK(server.header_timeout == 10s);
  CHECK(server.idle_timeout == 60s);
  CHECK(server.request_timeout == 30s);
  CHECK(server.answer_timeout == 30s);
}

TEST_CASE("the socket file's path, mode and group are where the server listens") {
  group* own = ::getgrgid(::getegid());
  REQUIRE(own != nullptr);
  auto settings = read_socket_settings(
      make_config({{"path", std::string("/tmp/x/../n.sock")}, {"mode", std::string("0600")}, {"group", std::string(own->gr_name)}}));
  REQUIRE(settings.ok());
  const auto& server = settings.value().server;
  CHECK(server.listen.unix_path == "/tmp/n.sock");
  CHECK(server.listen.is_unix());
  CHECK(server.socket_mode == 0600);
  CHECK(server.socket_group == ::getegid());
  CHECK(server.socket_group_name == own->gr_name);
}

TEST_CASE("request_timeout bounds the handler's answer too, unless answer_timeout is set") {
  auto old = read_socket_settings(make_config({{"request_timeout", std::chrono::milliseconds(5000)}}));
  REQUIRE(old.ok());
  CHECK(old.value().server.request_timeout == 5s);
  CHECK(old.value().server.answer_timeout == 5s);

  auto both = read_socket_settings(make_config(
      {{"request_timeout", std::chrono::milliseconds(5000)}, {"answer_timeout", std::chrono::milliseconds(90'000)}}));
  REQUIRE(both.ok());
  CHECK(both.value().server.request_timeout == 5s);
  CHECK(both.value().server.answer_timeout == 90s);
}

TEST_CASE("the socket is served without TLS and declares no listen key") {
  sdk::ConfigSchema schema;
  describe_socket_settings(schema);
  for (const char* key : {"listen", "tls_cert", "tls_key", "socket_mode", "socket_group"}) {
    INFO(key);
    CHECK_FALSE(schema.find(key));
  }
  for (const char* key : {"path", "mode", "group", "max_connections", "body_limit", "request_timeout", "answer_timeout"}) {
    INFO(key);
    CHECK(schema.find(key));
  }
}

TEST_CASE("photo directories are resolved; a configured one that is missing is an error") {
  TempDir dir;
  std::filesystem::create_directory(dir / "real");
  std::filesystem::create_directory_symlink(dir / "real", dir / "link");
  auto settings = read_socket_settings(
      make_config({{"photo_dirs", std::vector<std::string>{(dir / "link").string()}}}));
  REQUIRE(settings.ok());
  CHECK(settings.value().photos.directories == std::vector<std::filesystem::path>{dir / "real"});

  auto missing = read_socket_settings(
      make_config({{"photo_dirs", std::vector<std::string>{(dir / "missing").string()}}}));
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().find("photo_dirs") != std::string::npos);

  auto relative = read_socket_settings(make_config({{"photo_dirs", std::vector<std::string>{"tmp"}}}));
  CHECK_FALSE(relative.ok());
}

TEST_CASE("bad values are refused with the key's name") {
  struct Case {
    const char* key;
    sdk::ConfigValue value;
  } cases[] = {
      {"mode", std::string("0999")},
      {"mode", std::string("u+rw")},
      {"group", std::string("no-such-group-notifyd-test")},
      {"max_connections", std::int64_t{0}},
      {"max_connections_per_user", std::int64_t{0}},
      {"reserved_connections", std::int64_t{256}},
      {"answer_timeout", std::chrono::milliseconds{0}},
      {"reserved_connections", std::int64_t{-1}},
      {"history_page_bytes", std::int64_t{0}},
      {"body_limit", std::int64_t{-1}},
      {"photo_max_bytes", std::int64_t{0}},
      {"header_timeout", std::chrono::milliseconds{0}},
      {"path", std::string("/run/" + std::string(120, 'x') + ".sock")},
      {"path", std::string("relative.sock")},
  };
  for (const auto& c : cases) {
    INFO(c.key);
    auto settings = read_socket_settings(make_config({{c.key, c.value}}));
    REQUIRE_FALSE(settings.ok());
    CHECK(settings.error().find(c.key) != std::string::npos);
  }
}

TEST_CASE("groups are looked up by name or number") {
  group* own = ::getgrgid(::getegid());
  REQUIRE(own != nullptr);
  const std::string name = own->gr_name;
  auto gid = lookup_group(name);
  REQUIRE(gid.ok());
  CHECK(gid.value() == ::getegid());
  CHECK(lookup_group("4242").value() == 4242u);
  CHECK_FALSE(lookup_group("no-such-group-notifyd-test").ok());

  auto settings = read_socket_settings(make_config({{"group", name}}));
  REQUIRE(settings.ok());
  CHECK(settings.value().group == ::getegid());
}

TEST_CASE("every wrong key is reported at once, one line each starting with the key") {
  const std::vector<std::string> photo_dirs{"tmp", "/nonexistent-notifyd"};
  auto settings = read_socket_settings(make_config({{"mode", std::string("999")},
                                                    {"max_connections_per_user", std::int64_t{0}},
                                                    {"reserved_connections", std::int64_t{-1}},
                                                    {"photo_dirs", photo_dirs},
                                                    {"max_connections", std::int64_t{0}}}));
  REQUIRE_FALSE(settings.ok());
  const auto lines = notifyd::testing::problem_lines(settings.error());
  REQUIRE(lines.size() == 5);
  CHECK(lines[0] == "mode: \"999\" is not an octal file mode such as \"0660\"");
  CHECK(lines[1] == "max_connections_per_user: must be greater than zero");
  CHECK(lines[2] == "reserved_connections: must be at least 0 and less than max_connections");
  CHECK(lines[3] == "photo_dirs: tmp is not an absolute path; /nonexistent-notifyd: No such file or directory");
  CHECK(lines[4] == "max_connections: must be greater than zero");
}

TEST_CASE("the reserve must leave room for ordinary callers") {
  auto settings = read_socket_settings(
      make_config({{"max_connections", std::int64_t{10}}, {"reserved_connections", std::int64_t{10}}}));
  REQUIRE_FALSE(settings.ok());
  CHECK(settings.error() == "reserved_connections: must be at least 0 and less than max_connections");
}
