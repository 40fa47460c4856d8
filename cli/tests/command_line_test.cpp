#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "command_line.hpp"

using namespace notifyctl;
using namespace std::chrono_literals;

namespace {

CommandLine parsed(const std::vector<std::string>& arguments) {
  auto result = parse_command_line(arguments);
  if (const auto* error = std::get_if<UsageError>(&result)) FAIL("unexpected usage error: " << error->message);
  return std::get<CommandLine>(result);
}

UsageError rejected(const std::vector<std::string>& arguments) {
  auto result = parse_command_line(arguments);
  if (!std::holds_alternative<UsageError>(result)) FAIL("expected a usage error");
  return std::get<UsageError>(result);
}

template <typename Command>
Command command_of(const std::vector<std::string>& arguments) {
  const CommandLine line = parsed(arguments);
  REQUIRE(std::holds_alternative<Command>(line.command));
  return std::get<Command>(line.command);
}

}  // namespace

TEST_CASE("send takes its options and one message", "[command_line]") {
  const auto send = command_of<SendArguments>({"send", "--user", "alice", "--title=Disk", "--image", "chart.png",
                                               "--format", "MarkdownV2", "--source", "cron", "disk is full"});
  CHECK(send.user == "alice");
  CHECK(send.title == "Disk");
  CHECK(send.image_path == "chart.png");
  CHECK(send.format == "markdownv2");
  CHECK(send.source == "cron");
  CHECK(send.message == "disk is full");
  CHECK_FALSE(send.message_from_stdin);
}

TEST_CASE("send leaves absent options to the daemon", "[command_line]") {
  const auto send = command_of<SendArguments>({"send", "hello"});
  CHECK_FALSE(send.user);
  CHECK_FALSE(send.title);
  CHECK_FALSE(send.image_path);
  CHECK_FALSE(send.format);
  CHECK_FALSE(send.source);
}

TEST_CASE("send - reads the message from stdin; -- ends options", "[command_line]") {
  CHECK(command_of<SendArguments>({"send", "-"}).message_from_stdin);
  const auto dashed = command_of<SendArguments>({"send", "--", "--not-an-option"});
  CHECK(dashed.message == "--not-an-option");
  CHECK(command_of<SendArguments>({"send", "--title", "-x-", "body"}).title == "-x-");
}

TEST_CASE("send rejects a missing, extra or empty message and unknown formats", "[command_line]") {
  CHECK(rejected({"send"}).message == "send needs a MESSAGE (- reads it from stdin)");
  CHECK(rejected({"send", "two", "words"}).message == "send takes one MESSAGE; quote it if it contains spaces");
  CHECK(rejected({"send", ""}).message == "MESSAGE must not be empty");
  const UsageError format = rejected({"send", "--format", "rtf", "x"});
  CHECK(format.message == "--format must be one of markdown, markdownv2, html, plain; got 'rtf'");
  CHECK(format.command == "send");
  CHECK(rejected({"send", "--user", "", "x"}).message == "--user must not be empty");
  CHECK(rejected({"send", "--title"}).message == "option --title needs a value");
}

TEST_CASE("global options are accepted before and after the command", "[command_line]") {
  const CommandLine before = parsed({"--socket", "/tmp/s.sock", "--json", "--timeout", "2.5", "health"});
  CHECK(before.options.socket_path == "/tmp/s.sock");
  CHECK(before.options.json_output);
  CHECK(before.options.timeout == 2500ms);
  CHECK(std::holds_alternative<HealthArguments>(before.command));

  const CommandLine after = parsed({"history", "--json", "--socket=/x.sock", "--timeout=1"});
  CHECK(after.options.socket_path == "/x.sock");
  CHECK(after.options.json_output);
  CHECK(after.options.timeout == 1000ms);
}

TEST_CASE("the timeout defaults to 30 seconds and must be a positive number", "[command_line]") {
  CHECK(parsed({"health"}).options.timeout == 30s);
  CHECK(parsed({"--timeout", "0.001", "health"}).options.timeout == 1ms);
  for (const char* bad : {"0", "-1", "abc", "1s", "", "inf", "nan", "1e9"}) {
    INFO(bad);
    CHECK(rejected({"--timeout", bad, "health"}).message.starts_with("--timeout must be a number of seconds"));
  }
}

TEST_CASE("history parses user, limit and before", "[command_line]") {
  const auto history = command_of<HistoryArguments>({"history", "--user", "bob", "--limit", "5", "--before", "41"});
  CHECK(history.user == "bob");
  CHECK(history.limit == 5u);
  CHECK(history.before_id == 41u);

  const auto defaults = command_of<HistoryArguments>({"history"});
  CHECK_FALSE(defaults.user);
  CHECK_FALSE(defaults.limit);
  CHECK_FALSE(defaults.before_id);
}

TEST_CASE("history filters by lowest priority and by tag; send sets both", "[command_line]") {
  const auto history = command_of<HistoryArguments>({"history", "--min-priority", "HIGH", "--tag", " backup"});
  CHECK(history.min_priority == notifyd::sdk::Priority::high);
  CHECK(history.tag == "backup");
  const auto defaults = command_of<HistoryArguments>({"history"});
  CHECK_FALSE(defaults.min_priority);
  CHECK(defaults.tag.empty());
  CHECK(rejected({"history", "--min-priority", "loud"}).message ==
        "--min-priority must be 1-5 or min, low, default, high, urgent (max), got 'loud'");
  CHECK(rejected({"history", "--tag", "a,b"}).message == "--tag: tag \"a,b\" contains a comma");

  const auto send = command_of<SendArguments>({"send", "--priority", "5", "--tags", "disk, prod", "full"});
  CHECK(send.priority == notifyd::sdk::Priority::urgent);
  CHECK(send.tags == std::vector<std::string>{"disk", "prod"});
  const auto plain = command_of<SendArguments>({"send", "hello"});
  CHECK(plain.priority == notifyd::sdk::default_priority);
  CHECK(plain.tags.empty());
  CHECK(rejected({"send", "--priority", "0", "m"}).message ==
        "--priority must be 1-5 or min, low, default, high, urgent (max), got '0'");
  CHECK(rejected({"send", "--tags", "a,,b", "m"}).message == "--tags: a tag is empty");
}

TEST_CASE("history rejects numbers that are not positive integers", "[command_line]") {
  for (const char* bad : {"0", "-3", "+3", "3x", "", "4294967296"}) {
    INFO(bad);
    CHECK(rejected({"history", "--limit", bad}).message.starts_with("--limit must be a positive integer"));
  }
  CHECK(rejected({"history", "--before", "x"}).message.starts_with("--before must be a notification id"));
  CHECK(rejected({"history", "extra"}).message == "history takes no arguments, got 'extra'");
}

TEST_CASE("request takes METHOD PATH and an optional JSON body", "[command_line]") {
  const auto request = command_of<RequestArguments>({"request", "post", "/api/telegram/verify", R"({"code":"1"})"});
  CHECK(request.method == "POST");
  CHECK(request.target == "/api/telegram/verify");
  CHECK(request.body == R"({"code":"1"})");

  CHECK_FALSE(command_of<RequestArguments>({"request", "GET", "/v1/health?x=1"}).body);
  CHECK(command_of<RequestArguments>({"request", "PUT", "/x", "-"}).body_from_stdin);
}

TEST_CASE("request rejects unknown methods, bad paths and invalid JSON", "[command_line]") {
  CHECK(rejected({"request", "GET"}).message == "request needs METHOD and PATH");
  CHECK(rejected({"request", "FETCH", "/x"}).message.starts_with("unknown METHOD 'FETCH'"));
  CHECK(rejected({"request", "GET", "v1/health"}).message.starts_with("PATH must start with /"));
  CHECK(rejected({"request", "GET", "/a b"}).message.starts_with("PATH must start with /"));
  CHECK(rejected({"request", "POST", "/x", "{oops"}).message.starts_with("JSON-BODY is not valid JSON: "));
  CHECK(rejected({"request", "POST", "/x", "{}", "more"}).message.starts_with("request takes METHOD PATH"));
}

TEST_CASE("help is found anywhere before --, even with other errors", "[command_line]") {
  CHECK(command_of<HelpRequest>({"--help"}).command.empty());
  CHECK(command_of<HelpRequest>({"-h"}).command.empty());
  CHECK(command_of<HelpRequest>({"send", "--help"}).command == "send");
  CHECK(command_of<HelpRequest>({"send", "--bogus", "-h"}).command == "send");
  CHECK(command_of<HelpRequest>({"--socket", "/s", "history", "--help"}).command == "history");
  CHECK(command_of<HelpRequest>({"help"}).command.empty());
  CHECK(command_of<HelpRequest>({"help", "request"}).command == "request");
  CHECK(command_of<SendArguments>({"send", "--title", "--help", "body"}).title == "--help");
  CHECK(command_of<SendArguments>({"send", "--", "--help"}).message == "--help");
  CHECK(rejected({"help", "frobnicate"}).message == "unknown command 'frobnicate'");
  CHECK(std::holds_alternative<VersionRequest>(parsed({"--version"}).command));
}

TEST_CASE("unknown commands and options are usage errors naming them", "[command_line]") {
  CHECK(rejected({}).message == "no command given");
  CHECK(rejected({"frobnicate", "--user", "x"}).message == "unknown command 'frobnicate'");
  CHECK(rejected({"--bogus", "health"}).message == "unknown option --bogus");
  const UsageError error = rejected({"health", "--limit", "3"});
  CHECK(error.message == "unknown option --limit for health");
  CHECK(error.command == "health");
  CHECK(rejected({"--json=yes", "health"}).message == "--json takes no value");
  CHECK(rejected({"--socket", "", "health"}).message == "--socket must not be empty");
}

TEST_CASE("the socket path comes from --socket, then NOTIFYD_SOCKET, then the default", "[command_line]") {
  CHECK(resolve_socket_path(std::string("/opt.sock"), "/env.sock") == "/opt.sock");
  CHECK(resolve_socket_path(std::nullopt, "/env.sock") == "/env.sock");
  CHECK(resolve_socket_path(std::nullopt, "") == "/run/notifyd/notifyd.sock");
  CHECK(resolve_socket_path(std::nullopt, nullptr) == "/run/notifyd/notifyd.sock");
}

TEST_CASE("checks takes an optional user", "[command_line]") {
  CHECK_FALSE(command_of<ChecksArguments>({"checks"}).user);
  CHECK(command_of<ChecksArguments>({"checks", "--user", "alice"}).user == "alice");
  CHECK(rejected({"checks", "extra"}).message == "checks takes no arguments, got 'extra'");
  CHECK(rejected({"checks", "--user="}).message == "--user must not be empty");
}

TEST_CASE("run takes names, --user and --local", "[command_line]") {
  const auto all = command_of<RunArguments>({"run"});
  CHECK(all.names.empty());
  CHECK_FALSE(all.local);
  const auto some = command_of<RunArguments>({"run", "disk", "revenue_drop", "disk", "--user", "bob"});
  CHECK(some.names == std::vector<std::string>{"disk", "revenue_drop"});
  CHECK(some.user == "bob");
  const auto local = command_of<RunArguments>({"run", "--local", "disk"});
  CHECK(local.local);
  CHECK(local.names == std::vector<std::string>{"disk"});
  CHECK(rejected({"run", "--local", "--user", "bob"}).message ==
        "--local runs your own scripts as you; it cannot be combined with --user");
  CHECK(rejected({"run", "--local=yes"}).message == "--local takes no value");
  CHECK(rejected({"run", "a/b"}).message == "'a/b' is not a check name");
  CHECK(rejected({"send", "--local", "x"}).message == "unknown option --local for send");
}

TEST_CASE("run --timeout is remembered as given", "[command_line]") {
  CHECK_FALSE(parsed({"run"}).options.timeout_given);
  CHECK(parsed({"run", "--timeout", "5"}).options.timeout_given);
}

TEST_CASE("logs takes one name and an optional limit", "[command_line]") {
  const auto logs = command_of<LogsArguments>({"logs", "disk", "--limit", "5"});
  CHECK(logs.name == "disk");
  CHECK(logs.limit == 5u);
  CHECK_FALSE(logs.user);
  CHECK(rejected({"logs"}).message == "logs needs the NAME of a check");
  CHECK(rejected({"logs", "a", "b"}).message == "logs takes one NAME");
  CHECK(rejected({"logs", "a", "--limit", "0"}).message == "--limit must be a number from 1 to 500, got '0'");
  CHECK(rejected({"logs", "a", "--limit", "501"}).command == "logs");
}

TEST_CASE("the new commands have help", "[command_line]") {
  CHECK(std::get<HelpRequest>(parsed({"run", "--help"}).command).command == "run");
  CHECK(std::get<HelpRequest>(parsed({"help", "logs"}).command).command == "logs");
  CHECK(std::get<HelpRequest>(parsed({"checks", "-h"}).command).command == "checks");
}

TEST_CASE("cron next takes one EXPR, --tz, --from and -n", "[command_line][cron]") {
  const auto next = command_of<CronNextArguments>(
      {"cron", "next", "0 9 * * 1-5", "--tz", "Europe/Berlin", "--from=2026-03-29T00:00:00Z", "-n", "3"});
  CHECK(next.expression == "0 9 * * 1-5");
  CHECK(next.zone == "Europe/Berlin");
  CHECK(next.from == "2026-03-29T00:00:00Z");
  CHECK(next.count == 3);
  const auto defaults = command_of<CronNextArguments>({"cron", "next", "@daily"});
  CHECK_FALSE(defaults.zone);
  CHECK_FALSE(defaults.from);
  CHECK(defaults.count == 5);
  CHECK(rejected({"cron"}).message == "cron needs a subcommand: next EXPR");
  CHECK(rejected({"cron", "last", "@daily"}).message == "cron needs a subcommand: next EXPR");
  CHECK(rejected({"cron", "next"}).message == "cron next needs a cron EXPR, e.g. '*/5 * * * *'");
  CHECK(rejected({"cron", "next", "0", "9", "*", "*", "*"}).message ==
        "cron next takes one EXPR; quote it, e.g. '0 9 * * 1-5'");
  CHECK(rejected({"cron", "next", "@daily", "-n", "0"}).message == "-n must be a number from 1 to 1000, got '0'");
  CHECK(rejected({"cron", "next", "@daily", "-n", "1001"}).command == "cron");
  CHECK(rejected({"cron", "next", "@daily", "--tz="}).message == "--tz must not be empty");
  CHECK(rejected({"send", "-n", "3", "hi"}).message == "unknown option -n for send");
  CHECK(std::holds_alternative<HelpRequest>(parsed({"cron", "next", "--help"}).command));
}
