#include <catch2/catch.hpp>

#include "history_json.hpp"

#include <rapidjson/document.h>

using namespace notifyd;
using namespace notifyd::socket_api;

namespace {

sdk::HttpRequest request_from(const std::string& user, bool admin, std::map<std::string, std::string, std::less<>> query) {
  sdk::HttpRequest request;
  request.method = "GET";
  request.path = "/v1/history";
  request.query = std::move(query);
  request.caller = {user, admin};
  return request;
}

sdk::HistoryEntry sample_entry() {
  sdk::HistoryEntry entry;
  auto& n = entry.notification;
  n.id = 17;
  n.user = "alice";
  n.title = "Revenue";
  n.message = "dropped \"12%\"\n";
  n.format = sdk::TextFormat::markdown;
  n.source = "revenue_drop";
  n.data_json = R"({"drop": 0.12, "days": [1, 2]})";
  n.image_path = "/var/lib/notifyd/images/17.png";
  n.created_at_ms = 1714564800123;  // 2024-05-01T12:00:00.123Z
  entry.deliveries.push_back({"bot", "delivered", 2, "", 1714564801000});
  entry.attempts.push_back({"bot", 1714564800500, "retry", "429 Too Many Requests"});
  entry.attempts.push_back({"bot", 1714564801000, "delivered", ""});
  return entry;
}

// One page over `entries` (newest first), read through a fetch that honours limit and before.
std::string render_history(const std::vector<sdk::HistoryEntry>& entries, std::uint32_t limit,
                           std::size_t max_bytes = 1 << 20, std::uint64_t before = 0, int* fetches = nullptr) {
  sdk::HistoryQuery query;
  query.limit = limit;
  query.before_id = before;
  auto page = render_history_page(query, max_bytes, [&](const sdk::HistoryQuery& batch) {
    if (fetches) ++*fetches;
    std::vector<sdk::HistoryEntry> out;
    for (const auto& entry : entries) {
      if (out.size() < batch.limit && (batch.before_id == 0 || entry.notification.id < batch.before_id)) out.push_back(entry);
    }
    return sdk::Result<std::vector<sdk::HistoryEntry>>(std::move(out));
  });
  REQUIRE(page.ok());
  return page.value();
}

}  // namespace

TEST_CASE("an ordinary caller reads its own history") {
  auto own = parse_history_query(request_from("alice", false, {}));
  REQUIRE(own.ok());
  CHECK(own.value().user == "alice");
  CHECK(own.value().limit == 50);
  CHECK(own.value().before_id == 0);

  CHECK(parse_history_query(request_from("alice", false, {{"user", "alice"}})).value().user == "alice");
  CHECK(parse_history_query(request_from("alice", false, {{"user", ""}})).value().user == "alice");

  auto other = parse_history_query(request_from("alice", false, {{"user", "bob"}}));
  REQUIRE_FALSE(other.ok());
  CHECK(other.error().status == 403);
  CHECK(other.error().body == R"({"error":"alice may only read its own history"})");
}

TEST_CASE("an admin reads anyone's history, or everyone's") {
  CHECK(parse_history_query(request_from("root", true, {})).value().user.empty());
  CHECK(parse_history_query(request_from("root", true, {{"user", "bob"}})).value().user == "bob");
}

TEST_CASE("limit and before are checked") {
  auto query = parse_history_query(request_from("alice", false, {{"limit", "10"}, {"before", "99"}}));
  REQUIRE(query.ok());
  CHECK(query.value().limit == 10);
  CHECK(query.value().before_id == 99);
  CHECK(parse_history_query(request_from("alice", false, {{"limit", "100000"}})).value().limit == 500);
  for (const char* bad : {"0", "-1", "ten", "", "1e3", "99999999999999999999999"}) {
    INFO(bad);
    auto result = parse_history_query(request_from("alice", false, {{"limit", bad}}));
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().status == 400);
  }
  CHECK(parse_history_query(request_from("alice", false, {{"before", "x"}})).error().status == 400);
  CHECK(parse_history_query(request_from("alice", false, {{"before", "-5"}})).error().status == 400);
}

TEST_CASE("history renders every field") {
  const std::string json = render_history({sample_entry()}, 50);
  CHECK(json ==
        R"({"notifications":[{"id":17,"user":"alice","title":"Revenue","message":"dropped \"12%\"\n","format":"Markdown",)"
        R"("source":"revenue_drop","data":{"drop":0.12,"days":[1,2]},"image":true,"created_at":"2024-05-01T12:00:00.123Z",)"
        R"("deliveries":[{"channel":"bot","state":"delivered","attempts":2,"last_error":"","updated_at":"2024-05-01T12:00:01.000Z"}],)"
        R"("attempts":[{"channel":"bot","at":"2024-05-01T12:00:00.500Z","outcome":"retry","error":"429 Too Many Requests"},)"
        R"({"channel":"bot","at":"2024-05-01T12:00:01.000Z","outcome":"delivered","error":""}],"priority":3,"tags":[]}],)"
        R"("next_before":null})");

  auto labelled = sample_entry();
  labelled.notification.priority = sdk::Priority::urgent;
  labelled.notification.tags = {"disk", "prod \"eu\""};
  CHECK(render_history({labelled}, 50).find(R"("priority":5,"tags":["disk","prod \"eu\""]})") != std::string::npos);
}

TEST_CASE("history filters by lowest priority, as a number or name, and by tag") {
  auto query = parse_history_query(request_from("alice", false, {{"min_priority", "high"}, {"tag", " backup "}}));
  REQUIRE(query.ok());
  CHECK(query.value().min_priority == sdk::Priority::high);
  CHECK(query.value().tag == "backup");
  CHECK(parse_history_query(request_from("alice", false, {{"min_priority", "5"}})).value().min_priority ==
        sdk::Priority::urgent);
  CHECK(parse_history_query(request_from("alice", false, {{"min_priority", "max"}})).value().min_priority ==
        sdk::Priority::urgent);
  const auto unfiltered = parse_history_query(request_from("alice", false, {}));
  CHECK_FALSE(unfiltered.value().min_priority);
  CHECK(unfiltered.value().tag.empty());

  auto bad_priority = parse_history_query(request_from("alice", false, {{"min_priority", "loud"}}));
  REQUIRE_FALSE(bad_priority.ok());
  CHECK(bad_priority.error().status == 400);
  CHECK(bad_priority.error().body ==
        R"j({"error":"invalid parameter: min_priority: expected 1-5 or min, low, default, high, urgent (max)"})j");
  auto bad_tag = parse_history_query(request_from("alice", false, {{"tag", "a,b"}}));
  REQUIRE_FALSE(bad_tag.ok());
  CHECK(bad_tag.error().status == 400);
  CHECK(bad_tag.error().body == R"j({"error":"invalid parameter: tag: tag \"a,b\" contains a comma"})j");
  const auto empty = parse_history_query(request_from("alice", false, {{"tag", ""}, {"min_priority", ""}}));
  REQUIRE(empty.ok());
  CHECK(empty.value().tag.empty());
  CHECK_FALSE(empty.value().min_priority);
}

TEST_CASE("history: data that is absent or broken is null, bad UTF-8 is replaced, full pages continue") {
  auto entry = sample_entry();
  entry.notification.data_json.clear();
  entry.notification.image_path.clear();
  entry.notification.message = "bad \xff byte";
  auto broken = sample_entry();
  broken.notification.id = 9;
  broken.notification.data_json = "{not json";

  const std::string json = render_history({entry, broken}, 2);
  CHECK(json.find(R"("data":null,"image":false)") != std::string::npos);
  CHECK(json.find("bad \xEF\xBF\xBD byte") != std::string::npos);
  CHECK(json.find(R"("id":9,)") != std::string::npos);
  CHECK(json.ends_with(R"("next_before":9})"));

  CHECK(render_history({}, 50) == R"({"notifications":[],"next_before":null})");
}

TEST_CASE("history pages by bytes as well as by count, and the pages chain without gaps") {
  std::vector<sdk::HistoryEntry> entries;
  for (std::uint64_t id = 40; id >= 1; --id) {
    auto entry = sample_entry();
    entry.notification.id = id;
    entry.notification.message = std::string(1000, 'm');
    entries.push_back(entry);
  }
  std::vector<std::uint64_t> seen;
  std::uint64_t before = 0;
  for (int page = 0; page < 100; ++page) {
    int fetches = 0;
    const std::string json = render_history(entries, 500, 5000, before, &fetches);
    CHECK(json.size() <= 5000);
    CHECK(fetches <= 2);  // a few entries at a time, never the whole history
    rapidjson::Document document;
    document.Parse(json.c_str());
    REQUIRE(document.IsObject());
    const auto& list = document["notifications"].GetArray();
    REQUIRE(list.Size() >= 1);
    for (const auto& entry : list) seen.push_back(entry["id"].GetUint64());
    if (document["next_before"].IsNull()) break;
    before = document["next_before"].GetUint64();
    CHECK(before == seen.back());
  }
  REQUIRE(seen.size() == 40);
  for (std::size_t i = 0; i < seen.size(); ++i) CHECK(seen[i] == 40 - i);
}

TEST_CASE("an entry larger than the page is answered alone") {
  auto big = sample_entry();
  big.notification.message = std::string(10000, 'x');
  auto next = sample_entry();
  next.notification.id = 3;
  const std::string json = render_history({big, next}, 50, 1000);
  CHECK(json.find(R"("id":17,)") != std::string::npos);
  CHECK(json.find(R"("id":3,)") == std::string::npos);
  CHECK(json.ends_with(R"("next_before":17})"));
}

TEST_CASE("health renders each channel") {
  sdk::ClusterView local;
  local.backend = "local";
  local.replica = "host:7";
  local.host_group = "host";
  local.lease_ttl_ms = 10000;
  const std::string local_json = R"("cluster":{"backend":"local","replica":"host:7","host_group":"host",)"
                                 R"("lease_ttl_ms":10000,"schema_version":0,"connections":[],"replicas":[],"leases":[],)"
                                 R"("as_of":null}})";
  sdk::ChannelHealth follower{"bot", 3, 1, 2, 40, 1, "", "", {}};
  follower.leads = false;
  CHECK(render_health({follower,
                       {"desk", 0, 0, 0, 5, 0, "ok", "no desktop app connected", {{"connections", 12}, {"users", 4}}}},
                      local) ==
        R"({"status":"ok","channels":[{"channel":"bot","pending":3,"in_flight":1,"retrying":2,"delivered":40,"failed":1,)"
        R"("leads":false},)"
        R"({"channel":"desk","pending":0,"in_flight":0,"retrying":0,"delivered":5,"failed":0,"state":"ok",)"
        R"("last_error":"no desktop app connected","figures":{"connections":12,"users":4},"leads":true}],)" +
            local_json);
  const std::string odd = render_health({{"desk", 0, 0, 0, 0, 0, "down", "bad \xFF", {{"bad \xFF\n", 1}}}}, local);
  CHECK(odd.find(R"("figures":{"bad )" "\xEF\xBF\xBD" R"(\n":1})") != std::string::npos);
  CHECK(odd.find(R"("last_error":"bad )" "\xEF\xBF\xBD" R"(")") != std::string::npos);
  CHECK(odd.find('\xFF') == std::string::npos);
  CHECK(render_health({}, local) == R"({"status":"ok","channels":[],)" + local_json);
}

TEST_CASE("health is degraded while a connection to the shared database is down") {
  sdk::ClusterView cluster;
  cluster.backend = "postgres";
  cluster.replica = "a:1";
  cluster.host_group = "g";
  cluster.lease_ttl_ms = 3000;
  cluster.schema_version = 2;
  cluster.connections.push_back({"coordination", "connected", 1700000000000, ""});
  cluster.connections.push_back({"coordination-pool-1", "unused", 1700000000000, ""});
  CHECK(render_health({}, cluster).starts_with(R"({"status":"ok",)"));
  cluster.connections.back().state = "connecting";
  cluster.connections.back().last_error = "connection refused";
  CHECK(render_health({}, cluster).starts_with(R"({"status":"degraded",)"));
  cluster.connections.pop_back();
  cluster.connections.front().state = "reconnecting";
  cluster.connections.front().last_error = "server closed the connection unexpectedly";
  const auto degraded = render_health({}, cluster);
  CHECK(degraded.starts_with(R"({"status":"degraded",)"));
  CHECK(degraded.find(R"("connections":[{"name":"coordination","state":"reconnecting","since":"2023-11-14T22:13:20.000Z",)"
                      R"("last_error":"server closed the connection unexpectedly"}])") != std::string::npos);
}
