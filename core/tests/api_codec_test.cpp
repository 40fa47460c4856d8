#include <catch2/catch.hpp>

#include <string>

#include "notifyd/sdk/api/account_codecs.hpp"
#include "notifyd/sdk/api/check_codecs.hpp"
#include "notifyd/sdk/api/history_codecs.hpp"
#include "notifyd/sdk/api/token_codecs.hpp"
#include "notifyd/sdk/cooldown_state.hpp"

using namespace notifyd;
using namespace notifyd::sdk::api;

namespace {

constexpr std::int64_t noon_ms = 1732536000123;  // 2024-11-25T12:00:00.123Z

template <class T>
T decoded(std::string_view body) {
  auto result = from_json<T>(body);
  if (!result) FAIL("unexpected decode error: " << result.error() << " in " << body);
  return std::move(result).value();
}

template <class T>
std::string decode_error(std::string_view body) {
  auto result = from_json<T>(body);
  if (result) FAIL("expected a decode error for " << body);
  return result.error();
}

// Encodes, decodes and encodes again: the second text must be the first.
template <class T>
T round_trip(const T& value) {
  const std::string text = to_json(value);
  T back = decoded<T>(text);
  CHECK(to_json(back) == text);
  return back;
}

sdk::RunRecord failed_run() {
  sdk::RunRecord run;
  run.id = 12;
  run.check = "disk";
  run.user = "alice";
  run.trigger = "schedule";
  run.started_at_ms = noon_ms;
  run.duration_ms = 60012;
  run.exit_code = 3;
  run.outcome = "failed";
  run.detail = "exit status 3";
  run.stderr_tail = "Traceback\n\"boom\"\n";
  return run;
}

sdk::HistoryEntry disk_entry() {
  const sdk::Notification n{.id = 42,
                            .user = "alice",
                            .title = "Disk",
                            .message = "/var is *95%* full",
                            .format = sdk::TextFormat::markdown_v2,
                            .source = "disk_space",
                            .data_json = R"({"percent":95,"mount":"/var"})",
                            .image_path = "/var/lib/notifyd/images/42.png",
                            .created_at_ms = noon_ms};
  return {n, {{"bot", "pending", 3, "HTTP 502", noon_ms + 5000}}, {{"bot", noon_ms + 1000, "retry", "HTTP 502"}}};
}

}  // namespace

TEST_CASE("a run is written as the API always wrote it", "[api_codec]") {
  CHECK(to_json(failed_run()) ==
        R"({"id":12,"check":"disk","user":"alice","trigger":"schedule","started_at":"2024-11-25T12:00:00.123Z",)"
        R"("duration_ms":60012,"exit_code":3,"outcome":"failed","detail":"exit status 3",)"
        R"("stderr":"Traceback\n\"boom\"\n","notification_id":null})");
  sdk::RunRecord never;
  CHECK(to_json(never) ==
        R"({"id":0,"check":"","user":"","trigger":"","started_at":null,"duration_ms":0,"exit_code":null,)"
        R"("outcome":"","detail":"","stderr":"","notification_id":null})");
}

TEST_CASE("runs, checks and run reports round-trip", "[api_codec]") {
  sdk::RunRecord run = failed_run();
  run.notification_id = 7;
  const auto back = round_trip(run);
  CHECK(back.started_at_ms == noon_ms);
  CHECK(back.exit_code == 3);
  CHECK(back.notification_id == 7);
  CHECK(back.stderr_tail == run.stderr_tail);

  sdk::CheckStatus status;
  status.definition = {"disk", "alice", "*/5 * * * *", std::chrono::milliseconds(30000), "/home/alice/disk.py", "scripts"};
  status.last_run = run;
  status.last_sent_ms = noon_ms;
  sdk::CheckStatus elsewhere;
  elsewhere.host_group = "analytics-1";
  elsewhere.elsewhere = true;
  elsewhere.group_running = false;
  const auto list = round_trip(CheckList{{status, elsewhere}});
  REQUIRE(list.checks.size() == 2);
  CHECK(list.checks[0].host_group.empty());
  CHECK_FALSE(list.checks[0].elsewhere);
  CHECK(list.checks[0].group_running);
  CHECK(list.checks[1].host_group == "analytics-1");
  CHECK(list.checks[1].elsewhere);
  CHECK_FALSE(list.checks[1].group_running);
  CHECK(to_json(elsewhere).ends_with(R"("host_group":"analytics-1","elsewhere":true,"group_running":false})"));
  CHECK(to_json(status).ends_with(R"("host_group":null,"elsewhere":false,"group_running":true})"));
  CHECK(list.checks[0].definition.timeout == std::chrono::milliseconds(30000));
  CHECK(list.checks[0].definition.provider == "scripts");
  REQUIRE(list.checks[0].last_run);
  CHECK(list.checks[0].last_run->id == 12);
  CHECK(list.checks[0].next_run_ms == 0);
  CHECK_FALSE(list.checks[1].last_run);

  const auto runs = round_trip(RunList{{run, failed_run()}, 11});
  CHECK(runs.runs.size() == 2);
  CHECK(runs.next_before == 11);
  CHECK_FALSE(round_trip(RunList{}).next_before);

  sdk::Notification sent;
  sent.id = 7;
  sent.title = "Disk";
  sent.message = "full";
  sent.image_path = "/somewhere/7.png";
  const std::string report_text = to_json(RunReport{run, sent});
  CHECK(report_text.ends_with(R"("notification":{"id":7,"title":"Disk","message":"full","image":true}})"));
  const auto report = decoded<RunReport>(report_text);
  REQUIRE(report.notification);
  CHECK(report.notification->image_path == withheld_image_path);
  CHECK(to_json(report) == report_text);
  CHECK_FALSE(round_trip(RunReport{run, std::nullopt}).notification);
}

TEST_CASE("a history entry's priority and tags round-trip; an entry from before them reads as default", "[api_codec]") {
  sdk::HistoryEntry entry = disk_entry();
  entry.notification.priority = sdk::Priority::urgent;
  entry.notification.tags = {"disk", "prod \"eu\""};
  const std::string text = to_json(entry);
  CHECK(text.ends_with(R"j("priority":5,"tags":["disk","prod \"eu\""]})j"));
  const auto back = decoded<sdk::HistoryEntry>(text);
  CHECK(back.notification.priority == sdk::Priority::urgent);
  CHECK(back.notification.tags == entry.notification.tags);

  std::string older = to_json(disk_entry());
  older.erase(older.find(R"(,"priority":3,"tags":[])"));
  older += "}";
  const auto old_entry = decoded<sdk::HistoryEntry>(older);
  CHECK(old_entry.notification.priority == sdk::default_priority);
  CHECK(old_entry.notification.tags.empty());

  std::string louder = to_json(disk_entry());
  louder.replace(louder.find(R"("priority":3)"), 12, R"("priority":9)");
  const auto refused = sdk::api::from_json<sdk::HistoryEntry>(louder);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error() == "priority must be an integer from 1 to 5");
}

TEST_CASE("history entries and pages round-trip", "[api_codec]") {
  const sdk::HistoryEntry entry = disk_entry();
  CHECK(to_json(entry) ==
        R"({"id":42,"user":"alice","title":"Disk","message":"/var is *95%* full","format":"MarkdownV2",)"
        R"("source":"disk_space","data":{"percent":95,"mount":"/var"},"image":true,)"
        R"("created_at":"2024-11-25T12:00:00.123Z","deliveries":[{"channel":"bot","state":"pending","attempts":3,)"
        R"("last_error":"HTTP 502","updated_at":"2024-11-25T12:00:05.123Z"}],)"
        R"("attempts":[{"channel":"bot","at":"2024-11-25T12:00:01.123Z","outcome":"retry","error":"HTTP 502"}],)"
        R"("priority":3,"tags":[]})");
  const auto page = round_trip(HistoryPage{{entry}, 42});
  REQUIRE(page.notifications.size() == 1);
  const auto& n = page.notifications[0].notification;
  CHECK(n.format == sdk::TextFormat::markdown_v2);
  CHECK(n.data_json == R"({"percent":95,"mount":"/var"})");
  CHECK(n.image_path == withheld_image_path);
  CHECK(n.created_at_ms == noon_ms);
  CHECK(page.notifications[0].deliveries[0].attempts == 3);
  CHECK(page.notifications[0].attempts[0].at_ms == noon_ms + 1000);
  CHECK(page.next_before == 42);

  sdk::HistoryEntry plain;
  plain.notification.format = sdk::TextFormat::plain;
  plain.notification.created_at_ms = noon_ms;
  const auto back = round_trip(plain);
  CHECK(back.notification.data_json.empty());
  CHECK(back.notification.image_path.empty());
  CHECK(to_json(HistoryPage{}) == R"({"notifications":[],"next_before":null})");
}

TEST_CASE("a notification's text that is not UTF-8 is written replaced, never raw", "[api_codec]") {
  sdk::HistoryEntry entry = disk_entry();
  entry.notification.title = "bad \xFF";
  const std::string text = to_json(entry);
  CHECK(text.find("\"title\":\"bad \xEF\xBF\xBD\"") != std::string::npos);
  CHECK(decoded<sdk::HistoryEntry>(text).notification.title == "bad \xEF\xBF\xBD");
}

TEST_CASE("health reports round-trip with a channel's own figures in order", "[api_codec]") {
  const HealthReport report{"ok",
                            {{"bot", 3, 1, 2, 40, 1, "", "", {}, false},
                             {"desk", 0, 0, 0, 7, 0, "down", "no route", {{"connections", 3}, {"users", 2}}, true}},
                            {}};
  CHECK(to_json(report) ==
        R"({"status":"ok","channels":[{"channel":"bot","pending":3,"in_flight":1,"retrying":2,"delivered":40,"failed":1,)"
        R"("leads":false},)"
        R"({"channel":"desk","pending":0,"in_flight":0,"retrying":0,"delivered":7,"failed":0,"state":"down",)"
        R"("last_error":"no route","figures":{"connections":3,"users":2},"leads":true}]})");
  const auto back = round_trip(report);
  REQUIRE(back.channels.size() == 2);
  CHECK(back.channels[0].state.empty());
  CHECK_FALSE(back.channels[0].leads);
  CHECK(back.channels[1].leads);
  CHECK(back.channels[1].figures.size() == 2);
  CHECK(back.channels[1].figures[1].name == "users");
  CHECK(back.channels[1].figures[1].value == 2);
  CHECK_FALSE(back.cluster);
}

TEST_CASE("health reports round-trip the replicas, the leases and the engine", "[api_codec]") {
  sdk::ClusterView cluster;
  cluster.backend = "postgres";
  cluster.replica = "a:10";
  cluster.host_group = "g";
  cluster.lease_ttl_ms = 3000;
  cluster.schema_version = 2;
  cluster.connections = {{"coordination", "connected", 1765065600000, ""}};
  cluster.replicas = {{"a:10", "g", "0.9.0", "", 10, 1765065000000, true},
                      {"b:20", "g", "0.9.0", "https://b:8443", 20, 1765065060000, false}};
  cluster.leases = {{"channel/bot", "b:20", 4, 1765065603000}, {"check/disk", "a:10", 1, 0}};
  cluster.as_of_ms = 1765065601000;
  const std::string json = to_json(HealthReport{"ok", {}, cluster});
  CHECK(json ==
        R"({"status":"ok","channels":[],"cluster":{"backend":"postgres","replica":"a:10","host_group":"g",)"
        R"("lease_ttl_ms":3000,"schema_version":2,"connections":[{"name":"coordination","state":"connected",)"
        R"("since":"2025-12-07T00:00:00.000Z","last_error":null}],"replicas":[{"name":"a:10","host_group":"g",)"
        R"("version":"0.9.0","address":null,"pid":10,"started_at":"2025-12-06T23:50:00.000Z","self":true},)"
        R"({"name":"b:20","host_group":"g","version":"0.9.0","address":"https://b:8443","pid":20,)"
        R"("started_at":"2025-12-06T23:51:00.000Z","self":false}],"leases":[{"name":"channel/bot","holder":"b:20",)"
        R"("epoch":4,"expires_at":"2025-12-07T00:00:03.000Z"},{"name":"check/disk","holder":"a:10","epoch":1,)"
        R"("expires_at":null}],"as_of":"2025-12-07T00:00:01.000Z"}})");
  const auto back = decoded<HealthReport>(json);
  REQUIRE(back.cluster);
  CHECK(back.cluster->schema_version == 2);
  REQUIRE(back.cluster->replicas.size() == 2);
  CHECK(back.cluster->replicas[0].self);
  CHECK(back.cluster->replicas[1].address == "https://b:8443");
  REQUIRE(back.cluster->leases.size() == 2);
  CHECK(back.cluster->leases[0].expires_at_ms == 1765065603000);
  CHECK(back.cluster->leases[1].expires_at_ms == 0);
  CHECK(back.cluster->connections.at(0).since_ms == 1765065600000);
  CHECK(decode_error<HealthReport>(R"({"status":"ok","channels":[],"cluster":{"backend":"local"}})") ==
        "cluster.replica is missing");
}

TEST_CASE("an accepted publish round-trips", "[api_codec]") {
  sdk::PublishOutcome outcome;
  outcome.id = 9;
  outcome.channels = {"console", "bot"};
  CHECK(to_json(outcome) == R"({"ok":true,"id":9,"channels":["console","bot"]})");
  const auto back = round_trip(outcome);
  CHECK(back.code == sdk::PublishOutcome::Code::accepted);
  CHECK(back.channels == outcome.channels);
}

TEST_CASE("link, user list, bot, login link and desktop token answers round-trip", "[api_codec]") {
  CHECK(to_json(TelegramLink{}) == R"({"linked":false,"linked_at":null})");
  const auto muted = round_trip(TelegramLink{true, "2026-11-25T14:09:41Z", true, "2026-11-25T16:00:00Z"});
  CHECK(muted.active == true);
  CHECK(muted.muted_until == "2026-11-25T16:00:00Z");
  const auto unlinked = decoded<TelegramLink>(R"({"linked":false,"linked_at":null,"active":false})");
  CHECK_FALSE(unlinked.linked);
  CHECK(unlinked.active == false);
  CHECK_FALSE(decoded<TelegramLink>(R"({"linked":true,"linked_at":"x"})").active);

  const auto users = round_trip(LinkedUserList{{{"alice", -1001234, "2026-11-01T08:30:00Z", false}, {"bob", 7, "x", true}}});
  REQUIRE(users.users.size() == 2);
  CHECK(users.users[0].chat_id == -1001234);
  CHECK_FALSE(users.users[0].active);

  CHECK(to_json(TelegramBot{}) == R"({"configured":false,"username":null,"url":null})");
  CHECK(round_trip(TelegramBot{true, "notifyd_bot", "https://t.me/notifyd_bot"}).username == "notifyd_bot");

  CHECK(round_trip(LoginLink{"http://x/login/link?token=t", "alice", "2026-12-25T00:02:00.000Z"}).user == "alice");
  CHECK(round_trip(DesktopToken{"a.b.c", "alice", "2026-12-25T00:00:00.000Z", "ws://127.0.0.1:8765/"}).url ==
        "ws://127.0.0.1:8765/");
}

TEST_CASE("API tokens: the list and the issued token, a token that never expires as null", "[api_codec]") {
  const ApiTokenInfo lasting{"0123456789ab", "ci-runner", "alice", noon_ms, 0, false};
  CHECK(to_json(lasting) ==
        R"({"id":"0123456789ab","name":"ci-runner","user":"alice","created_at":"2024-11-25T12:00:00.123Z",)"
        R"("expires_at":null,"expired":false})");
  const auto list = round_trip(ApiTokenList{{lasting, {"ba9876543210", "", "alice", noon_ms, noon_ms + 1000, true}}});
  REQUIRE(list.tokens.size() == 2);
  CHECK(list.tokens[0].expires_at == 0);
  CHECK(list.tokens[1].expires_at == noon_ms + 1000);
  CHECK(list.tokens[1].expired);
  CHECK(round_trip(IssuedApiToken{"nd_0123456789abSECRET", lasting}).issued.id == "0123456789ab");
  CHECK(decode_error<IssuedApiToken>(R"({"token":"","issued":{}})") == "token is empty");
}

TEST_CASE("a body that is not JSON, or not an object, is a decode error", "[api_codec]") {
  CHECK(decode_error<HistoryPage>("").starts_with("invalid JSON: "));
  CHECK(decode_error<HistoryPage>("{\"notifications\": [").starts_with("invalid JSON: "));
  CHECK(decode_error<HealthReport>("<html>").starts_with("invalid JSON: "));
  CHECK(decode_error<HistoryPage>("[]") == "the answer must be an object");
  CHECK(decode_error<sdk::PublishOutcome>("null") == "the answer must be an object");
  CHECK(decode_error<HistoryPage>(std::string(100000, '[') + std::string(100000, ']')) ==
        "invalid JSON: nested deeper than 64 levels");
}

TEST_CASE("a missing member is named with its path", "[api_codec]") {
  CHECK(decode_error<HistoryPage>("{}") == "notifications is missing");
  CHECK(decode_error<HistoryPage>(R"({"notifications":[]})") == "next_before is missing");
  CHECK(decode_error<CheckList>(R"({"checks":[{"name":"x"}]})") == "checks[0].user is missing");
  std::string runs = to_json(RunList{{failed_run(), failed_run()}, std::nullopt});
  runs.erase(runs.rfind(R"("outcome":"failed",)"), std::string_view(R"("outcome":"failed",)").size());
  CHECK(decode_error<RunList>(runs) == "runs[1].outcome is missing");
  CHECK(decode_error<RunReport>(R"({"run":null,"notification":null})") == "run must be an object");
  CHECK(decode_error<LoginLink>(R"({"user":"alice","expires_at":"x"})") == "url is missing");
  CHECK(decode_error<DesktopToken>(R"({"token":"","user":"a","expires_at":"x","url":""})") == "token is empty");
  CHECK(decode_error<TelegramLink>(R"({"linked_at":null})") == "linked is missing");
}

TEST_CASE("a mistyped member is named with what it must be", "[api_codec]") {
  const std::string entry = to_json(disk_entry());
  const auto with = [&](std::string_view from, std::string_view to) {
    std::string text = entry;
    const auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    return R"({"notifications":[)" + text.replace(at, from.size(), to) + R"(],"next_before":null})";
  };
  CHECK(decode_error<HistoryPage>(with(R"("id":42)", R"("id":"42")")) ==
        "notifications[0].id must be a non-negative integer");
  CHECK(decode_error<HistoryPage>(with(R"("id":42)", R"("id":-1)")) ==
        "notifications[0].id must be a non-negative integer");
  CHECK(decode_error<HistoryPage>(with(R"("format":"MarkdownV2")", R"("format":"rtf")")) ==
        "notifications[0].format must be plain, Markdown, MarkdownV2 or HTML");
  CHECK(decode_error<HistoryPage>(with(R"("image":true)", R"("image":1)")) ==
        "notifications[0].image must be true or false");
  CHECK(decode_error<HistoryPage>(with(R"("data":{"percent":95,"mount":"/var"})", R"("data":[1])")) ==
        "notifications[0].data must be an object or null");
  CHECK(decode_error<HistoryPage>(with(R"("created_at":"2024-11-25T12:00:00.123Z")", R"("created_at":"yesterday")")) ==
        "notifications[0].created_at must be an ISO-8601 time");
  CHECK(decode_error<HistoryPage>(with(R"("attempts":3)", R"("attempts":4294967296)")) ==
        "notifications[0].deliveries[0].attempts must be a non-negative integer below 2^32");
  CHECK(decode_error<HistoryPage>(with(R"("deliveries":[)", R"("deliveries":{"x":[)")).starts_with("invalid JSON"));
  CHECK(decode_error<HistoryPage>(R"({"notifications":{},"next_before":null})") == "notifications must be a list");
  CHECK(decode_error<HistoryPage>(R"({"notifications":[],"next_before":"7"})") ==
        "next_before must be a non-negative integer or null");

  CHECK(decode_error<RunReport>(R"({"run":)" + to_json(failed_run()) + R"(,"notification":{"id":1,"title":"t","message":"m","image":"no"}})") ==
        "notification.image must be true or false");
  std::string run = to_json(failed_run());
  run.replace(run.find(R"("exit_code":3)"), 13, R"("exit_code":3.5)");
  CHECK(decode_error<RunList>(R"({"runs":[)" + run + R"(],"next_before":null})") ==
        "runs[0].exit_code must be an integer or null");
  CHECK(decode_error<HealthReport>(R"({"status":"ok","channels":[{"channel":"bot","pending":1,"in_flight":0,)"
                                   R"("retrying":0,"delivered":0,"failed":0,"figures":{"connections":-3}}]})") ==
        "channels[0].figures.connections must be a non-negative integer");
  CHECK(decode_error<sdk::PublishOutcome>(R"({"ok":true,"id":1,"channels":["a",2]})") == "channels[1] must be a string");
  CHECK(decode_error<sdk::PublishOutcome>(R"({"ok":false,"id":1,"channels":[]})") == "ok must be true");
  CHECK(decode_error<LinkedUserList>(R"({"users":[{"user":"a","chat_id":"1","linked_at":"x","active":true}]})") ==
        "users[0].chat_id must be an integer");
  CHECK(decode_error<TelegramLink>(R"({"linked":"yes"})") == "linked must be true or false");
}

TEST_CASE("the seed's cooldown state is read, integer or fraction, and written as the seed did", "[api_codec]") {
  CHECK(sdk::parse_cooldown_state(R"({"last_sent": 1732543781})") == 1732543781);
  CHECK(sdk::parse_cooldown_state(R"({"last_sent": 1732543781.75})") == 1732543781);
  CHECK_FALSE(sdk::parse_cooldown_state(R"({"last_sent": "yesterday"})"));
  CHECK_FALSE(sdk::parse_cooldown_state(R"({})"));
  CHECK_FALSE(sdk::parse_cooldown_state("garbage"));
  CHECK_FALSE(sdk::parse_cooldown_state(R"({"last_sent": 1e300})"));
  CHECK(sdk::cooldown_state_text(1732543781) == "{\"last_sent\": 1732543781}\n");
  CHECK(sdk::parse_cooldown_state(sdk::cooldown_state_text(1234)) == 1234);
}
