#include <catch2/catch.hpp>

#include "doctor_report.hpp"

using namespace notifyctl;

namespace {

SocketFacts usable_socket() {
  SocketFacts facts;
  facts.path = "/run/notifyd/notifyd.sock";
  facts.is_socket = true;
  facts.mode = 0660;
  facts.owner_name = "root";
  facts.group_name = "notifyd";
  facts.caller_name = "alice";
  return facts;
}

}  // namespace

TEST_CASE("doctor prints one aligned line per check and a summary", "[doctor_report]") {
  const std::vector<DoctorFinding> findings{
      {Verdict::ok, "config", "/etc/notifyd/notifyd.toml is readable", ""},
      {Verdict::fail, "socket", "/run/notifyd/notifyd.sock does not exist", "systemctl start notifyd"},
      {Verdict::warn, "telegram:bot", "2 deliveries waiting for a retry", "journalctl -u notifyd"},
  };
  CHECK(doctor_text(findings) ==
        "ok    config        /etc/notifyd/notifyd.toml is readable\n"
        "fail  socket        /run/notifyd/notifyd.sock does not exist; fix: systemctl start notifyd\n"
        "warn  telegram:bot  2 deliveries waiting for a retry; fix: journalctl -u notifyd\n"
        "1 problem, 1 warning\n");
  CHECK(has_failure(findings));
  CHECK(doctor_text({{Verdict::ok, "config", "fine", ""}}) == "ok    config  fine\nno problems found\n");
  CHECK_FALSE(has_failure({{Verdict::warn, "x", "y", ""}}));
}

TEST_CASE("doctor's JSON lists every check", "[doctor_report]") {
  CHECK(doctor_json({{Verdict::fail, "socket", "gone", "start it"}}) ==
        R"({"ok":false,"checks":[{"verdict":"fail","subject":"socket","detail":"gone","fix":"start it"}]})" "\n");
}

TEST_CASE("doctor output cannot carry control characters from the daemon", "[doctor_report]") {
  const std::string text = doctor_text({{Verdict::warn, "channel:x", "last error: \x1b]0;pwned\x07", ""}});
  CHECK(text.find('\x1b') == std::string::npos);
  CHECK(text.find('\x07') == std::string::npos);
}

TEST_CASE("the config file must exist and be readable", "[doctor_report]") {
  ConfigFileFacts facts{"/etc/notifyd/notifyd.toml", false, false, "No such file or directory", false};
  auto f = judge_config_file(facts);
  CHECK(f.verdict == Verdict::fail);
  CHECK(f.fix.find("/usr/share/doc/notifyd/examples/notifyd.toml") != std::string::npos);
  facts.exists = true;
  facts.error = "Permission denied";
  CHECK(judge_config_file(facts).verdict == Verdict::warn);
  facts.caller_is_root = true;
  CHECK(judge_config_file(facts).verdict == Verdict::fail);
  facts.readable = true;
  CHECK(judge_config_file(facts).verdict == Verdict::ok);
}

TEST_CASE("check-config passes, fails with the first mistake, or cannot run", "[doctor_report]") {
  ConfigCheckFacts facts;
  facts.config_path = "/etc/notifyd/notifyd.toml";
  CHECK(judge_config_check(facts).verdict == Verdict::warn);  // no notifyd found

  facts.notifyd_path = "/usr/bin/notifyd";
  facts.exit_status = 0;
  facts.output = "/etc/notifyd/notifyd.toml: ok (7 plugins)\n";
  auto ok = judge_config_check(facts);
  CHECK(ok.verdict == Verdict::ok);
  CHECK(ok.detail == "/etc/notifyd/notifyd.toml: ok (7 plugins)");

  facts.exit_status = 1;
  facts.output =
      "/etc/notifyd/notifyd.toml:12:1: unknown key `colour`\n/etc/notifyd/notifyd.toml:20:3: bad\n"
      "notifyd: /etc/notifyd/notifyd.toml has 2 mistakes\n";
  auto bad = judge_config_check(facts);
  CHECK(bad.verdict == Verdict::fail);
  CHECK(bad.detail == "notifyd rejects the config: /etc/notifyd/notifyd.toml:12:1: unknown key `colour` (and 1 more)");
  CHECK(bad.fix.find("systemctl reload notifyd") != std::string::npos);

  facts.timed_out = true;
  CHECK(judge_config_check(facts).verdict == Verdict::fail);
}

TEST_CASE("a socket the caller may write is fine", "[doctor_report]") {
  auto facts = usable_socket();
  facts.caller_may_write = true;
  auto f = judge_socket_file(facts);
  CHECK(f.verdict == Verdict::ok);
  CHECK(f.detail == "/run/notifyd/notifyd.sock (root:notifyd 0660) accepts connections from alice");
}

TEST_CASE("permission denied on the socket says which group to join", "[doctor_report]") {
  auto facts = usable_socket();
  auto f = judge_socket_file(facts);
  CHECK(f.verdict == Verdict::fail);
  CHECK(f.detail.find("alice is not in group notifyd") != std::string::npos);
  CHECK(f.fix == "sudo usermod -aG notifyd alice, then log in again");

  facts.caller_in_group_listed = true;
  f = judge_socket_file(facts);
  CHECK(f.detail.find("joined group notifyd after logging in") != std::string::npos);
  CHECK(f.fix.find("newgrp notifyd") != std::string::npos);

  facts.group_name = "root";
  facts.caller_in_group_listed = false;
  CHECK(judge_socket_file(facts).fix.find("group = \"notifyd\"") != std::string::npos);

  facts.mode = 0600;
  f = judge_socket_file(facts);
  CHECK(f.fix.find("mode = \"0660\"") != std::string::npos);
}

TEST_CASE("a missing socket or not a socket fails", "[doctor_report]") {
  SocketFacts missing;
  missing.path = "/run/notifyd/notifyd.sock";
  missing.missing = true;
  missing.stat_error = "No such file or directory";
  CHECK(judge_socket_file(missing).fix.find("systemctl start notifyd") != std::string::npos);
  auto file = usable_socket();
  file.is_socket = false;
  CHECK(judge_socket_file(file).verdict == Verdict::fail);
}

TEST_CASE("the daemon must answer on the socket", "[doctor_report]") {
  CHECK(judge_socket_connection("/s", {true, 200, ""}).verdict == Verdict::ok);
  CHECK(judge_socket_connection("/s", {true, 500, ""}).verdict == Verdict::warn);
  auto f = judge_socket_connection("/s", {false, 0, "connection refused"});
  CHECK(f.verdict == Verdict::fail);
  CHECK(f.detail == "no answer on /s: connection refused");
}

TEST_CASE("the data directory must exist, be writable and have room", "[doctor_report]") {
  DataDirFacts facts;
  facts.path = "/var/lib/notifyd";
  facts.missing = true;
  facts.stat_error = "No such file or directory";
  CHECK(judge_data_dir(facts).verdict == Verdict::fail);

  facts = DataDirFacts{};
  facts.path = "/var/lib/notifyd";
  facts.is_directory = true;
  facts.mode = 0750;
  facts.owner_name = "root";
  facts.caller_is_root = true;
  facts.writable_by_caller = true;
  facts.free_bytes = 5ull << 30;
  facts.free_fraction = 0.5;
  auto ok = judge_data_dir(facts);
  CHECK(ok.verdict == Verdict::ok);
  CHECK(ok.detail == "/var/lib/notifyd is writable (root 0750), 5.0 GiB free");

  facts.free_bytes = 50ull << 20;
  CHECK(judge_data_dir(facts).verdict == Verdict::warn);
  facts.free_bytes = 5ull << 30;
  facts.read_only_file_system = true;
  CHECK(judge_data_dir(facts).verdict == Verdict::fail);
  facts.read_only_file_system = false;
  facts.writable_by_caller = false;
  CHECK(judge_data_dir(facts).verdict == Verdict::fail);
  facts.caller_is_root = false;
  CHECK(judge_data_dir(facts).verdict == Verdict::ok);  // a user cannot tell; says to run as root
  facts.stat_error = "Permission denied";
  CHECK(judge_data_dir(facts).verdict == Verdict::warn);
}

TEST_CASE("each telegram bot needs its token", "[doctor_report]") {
  TokenFacts facts;
  facts.instance = "bot";
  facts.token_env = "TELEGRAM_BOT_TOKEN";
  facts.env_file = "/etc/notifyd/notifyd.env";
  facts.state = TokenFacts::State::present;
  CHECK(judge_telegram_token(facts).verdict == Verdict::ok);
  facts.state = TokenFacts::State::absent;
  auto absent = judge_telegram_token(facts);
  CHECK(absent.verdict == Verdict::fail);
  CHECK(absent.subject == "telegram:bot");
  CHECK(absent.fix.find("/etc/notifyd/notifyd.env") != std::string::npos);
  CHECK(absent.fix.find("systemctl restart notifyd") != std::string::npos);
  facts.state = TokenFacts::State::empty;
  CHECK(judge_telegram_token(facts).verdict == Verdict::fail);
  facts.state = TokenFacts::State::unreadable;
  CHECK(judge_telegram_token(facts).verdict == Verdict::warn);
  facts.token_env.clear();
  CHECK(judge_telegram_token(facts).verdict == Verdict::fail);
}

TEST_CASE("channels that retry, fail or are missing are reported", "[doctor_report]") {
  HealthReport report;
  report.status = "ok";
  report.channels = {{"bot", 0, 0, 3, 10, 0, "ok", "Bot API: connection timed out", {}},
                     {"console", 1, 0, 0, 5, 0, "", "", {}},
                     {"desktop", 0, 0, 0, 1, 2, "", "", {}}};
  const auto findings = judge_channels(report, {"bot", "second_bot"});
  REQUIRE(findings.size() == 4);
  CHECK(findings[0].verdict == Verdict::warn);
  CHECK(findings[0].subject == "telegram:bot");
  CHECK(findings[0].detail == "3 deliveries waiting for a retry; last error: Bot API: connection timed out");
  CHECK(findings[0].fix.find("api.telegram.org") != std::string::npos);
  CHECK(findings[1].verdict == Verdict::ok);
  CHECK(findings[1].subject == "channel:console");
  CHECK(findings[1].detail == "5 delivered, 1 pending");
  CHECK(findings[2].verdict == Verdict::warn);
  CHECK(findings[2].detail == "2 deliveries failed since the daemon started");
  CHECK(findings[3].verdict == Verdict::fail);
  CHECK(findings[3].subject == "telegram:second_bot");
}

TEST_CASE("a channel that says it is down or off is a warning with its problem", "[doctor_report]") {
  const auto findings = judge_channels({"ok",
                                       {{"bot", 0, 0, 0, 4, 0, "down", "getUpdates failed: HTTP 502", {}},
                                        {"desk", 0, 0, 0, 0, 0, "off", "desktop push is off (no jwt_secret)", {}},
                                        {"console", 0, 0, 0, 4, 0, "ok", "", {}},
                                        {"other_bot", 0, 0, 0, 0, 0, "off", "Telegram is off (no bot token)", {}}}},
                                       {"bot", "other_bot"});
  // An off bot is left to the token finding, which says how to fix it.
  REQUIRE(findings.size() == 3);
  CHECK(findings[0].verdict == Verdict::warn);
  CHECK(findings[0].detail == "state down; last error: getUpdates failed: HTTP 502");
  CHECK(findings[1].verdict == Verdict::warn);
  CHECK(findings[1].detail == "off: desktop push is off (no jwt_secret)");
  CHECK(findings[1].fix.find("notifyd.toml") != std::string::npos);
  CHECK(findings[2].verdict == Verdict::ok);
  CHECK(findings[2].detail == "4 delivered, 0 pending, state ok");
}

TEST_CASE("a daemon that does not report ok is a warning", "[doctor_report]") {
  const auto findings = judge_channels(HealthReport{"degraded", {}, {}}, {});
  REQUIRE(findings.size() == 1);
  CHECK(findings[0].verdict == Verdict::warn);
}

TEST_CASE("a missing default config is no failure while a daemon answers", "[doctor_report]") {
  ConfigFileFacts facts{"/etc/notifyd/notifyd.toml", false, false, "No such file or directory", false};
  facts.daemon_answers = true;
  facts.daemon_socket = "/run/notifyd/notifyd.sock";
  auto f = judge_config_file(facts);
  CHECK(f.verdict == Verdict::warn);
  CHECK(f.fix.find("--config") != std::string::npos);
  facts.named = true;
  CHECK(judge_config_file(facts).verdict == Verdict::fail);
  ConfigFileFacts found{"/srv/notifyd.toml", true, true, "", false};
  found.from_daemon = true;
  CHECK(judge_config_file(found).detail == "/srv/notifyd.toml is readable (the running daemon's config)");
}

TEST_CASE("check-config's JSON verdict names the first mistake and counts the rest", "[doctor_report]") {
  ConfigCheckFacts facts;
  facts.config_path = "/etc/notifyd/notifyd.toml";
  facts.notifyd_path = "/usr/bin/notifyd";
  facts.exit_status = 1;
  facts.resolved = ResolvedConfig{false, {"/etc/notifyd/notifyd.toml:3:1: a", "/etc/notifyd/notifyd.toml:4:1: b"}};
  auto bad = judge_config_check(facts);
  CHECK(bad.verdict == Verdict::fail);
  CHECK(bad.detail == "notifyd rejects the config: /etc/notifyd/notifyd.toml:3:1: a (and 1 more)");
  facts.resolved = ResolvedConfig{true, {}};
  CHECK(judge_config_check(facts).verdict == Verdict::ok);
}

TEST_CASE("a channel off for want of its secret says where the secret goes", "[doctor_report]") {
  HealthReport report{"ok", {{"desktop", 0, 0, 0, 0, 0, "off", "desktop push is off (no jwt_secret)", {}, true}}, {}};
  TokenFacts secret;
  secret.instance = "desktop";
  secret.secret = "jwt_secret";
  secret.token_env = "NOTIFYD_JWT_SECRET";
  secret.env_file = "/etc/notifyd/notifyd.env";
  secret.state = TokenFacts::State::absent;
  auto findings = judge_channels(report, {}, {secret});
  REQUIRE(findings.size() == 1);
  CHECK(findings[0].verdict == Verdict::warn);
  CHECK(findings[0].detail ==
        "off: desktop push is off (no jwt_secret); the secret NOTIFYD_JWT_SECRET is not set in /etc/notifyd/notifyd.env");
  CHECK(findings[0].fix == "add NOTIFYD_JWT_SECRET=<jwt_secret> to /etc/notifyd/notifyd.env (mode 0600), then "
                           "systemctl restart notifyd");
  secret.token_env.clear();
  findings = judge_channels(report, {}, {secret});
  CHECK(findings[0].fix.find("jwt_secret_env") != std::string::npos);
  secret.state = TokenFacts::State::present;
  findings = judge_channels(report, {}, {secret});
  CHECK(findings[0].fix.find("[[plugin]] section") != std::string::npos);
}

TEST_CASE("doctor judges the PostgreSQL database by connection and schema version", "[doctor_report]") {
  PostgresFacts facts;
  facts.expected_version = 2;
  facts.dsn_error = "NOTIFYD_PG_DSN is set neither in the environment nor in /etc/notifyd/notifyd.env";
  auto found = judge_postgres(facts);
  CHECK(found.verdict == Verdict::fail);
  CHECK(found.detail == "no connection string: " + facts.dsn_error);

  facts.dsn_error.clear();
  facts.error = "cannot connect to PostgreSQL: connection to server at \"127.0.0.1\", port 1 failed: Connection refused";
  found = judge_postgres(facts);
  CHECK(found.verdict == Verdict::fail);
  CHECK(found.subject == "postgres");
  CHECK(found.detail == facts.error);

  facts.connected = true;
  facts.version = 2;
  CHECK(judge_postgres(facts).verdict == Verdict::ok);
  CHECK(judge_postgres(facts).detail == "connected; schema version 2");
  facts.version = 1;
  CHECK(judge_postgres(facts).verdict == Verdict::ok);
  CHECK(judge_postgres(facts).detail ==
        "connected; schema version 1, older than this notifyd's 2: notifyd migrates it when it starts");
  facts.version = 0;
  CHECK(judge_postgres(facts).detail == "connected; no notifyd tables yet (notifyd creates schema 2 when it starts)");
  facts.version = 3;
  found = judge_postgres(facts);
  CHECK(found.verdict == Verdict::fail);
  CHECK(found.detail ==
        "the database's notifyd schema is version 3, newer than this notifyd's 2: notifyd refuses to start on it");
  CHECK(found.fix == "upgrade notifyd to the version the other replicas run");
}
