#include <catch2/catch.hpp>

#include "file_claims.hpp"
#include "link_registry.hpp"
#include "test_support.hpp"

using namespace notifyd::telegram;
using notifyd::telegram::testing::MemoryDocuments;

TEST_CASE("the seed's telegram_users.json carries over", "[link_registry]") {
  MemoryDocuments documents;
  documents.files["telegram_users.json"] =
      R"({"alice": {"chat_id": 123, "linked_at": "2024-05-01T12:00:00.123456"},
          "bob": {"chat_id": 456, "linked_at": "2024-05-02T08:00:00", "note": {"x": [1, 2]}},
          "broken": {"linked_at": "never"}})";
  LinkRegistry links(documents, "telegram_users.json");
  REQUIRE(links.load());
  CHECK(links.size() == 2);
  CHECK(links.reaches("alice"));
  CHECK(links.find("alice")->chat_id == 123);
  CHECK(links.find("alice")->linked_at == "2024-05-01T12:00:00.123456");
  CHECK(links.users_of(456) == std::vector<std::string>{"bob"});

  REQUIRE(links.link("carol", 789, "2026-11-25T14:09:41Z"));
  const std::string& saved = documents.files.at("telegram_users.json");
  CHECK(saved.find(R"("linked_at": "2024-05-01T12:00:00.123456")") != std::string::npos);
  CHECK(saved.find(R"("note": {"x":[1,2]})") != std::string::npos);  // unknown members kept
  CHECK(saved.find("active") == std::string::npos);                  // only written when false
  CHECK(saved.find("broken") == std::string::npos);
}

TEST_CASE("a NUL byte makes a links file corrupt", "[link_registry]") {
  // Found by fuzz/link_file.cpp: RapidJSON took a NUL byte for the end of the text.
  using namespace std::string_literals;
  CHECK_FALSE(parse_links("{\"bob\": {\"chat_id\": 456}}\0{"s));
}

TEST_CASE("a corrupt links file refuses to load, so it is never overwritten", "[link_registry]") {
  MemoryDocuments documents;
  documents.files["u.json"] = "[\"not\", \"an object\"]";
  LinkRegistry links(documents, "u.json");
  const auto status = links.load();
  CHECK_FALSE(status.ok);
  CHECK(status.message.find("fix or remove it") != std::string::npos);
}

TEST_CASE("linking replaces, unlinking removes, both are saved", "[link_registry]") {
  MemoryDocuments documents;
  LinkRegistry links(documents, "u.json");
  REQUIRE(links.load());
  REQUIRE(links.link("alice", 1, "t1"));
  REQUIRE(links.link("alice", 2, "t2"));
  CHECK(links.find("alice")->chat_id == 2);
  CHECK(links.users_of(1).empty());
  const auto removed = links.unlink("alice");
  REQUIRE(removed.ok());
  REQUIRE(removed.value());
  CHECK(removed.value()->chat_id == 2);
  CHECK_FALSE(links.unlink("alice").value());
  CHECK(parse_links(documents.files.at("u.json")).value().empty());
}

TEST_CASE("a blocked chat makes its links inactive until it is back", "[link_registry]") {
  MemoryDocuments documents;
  LinkRegistry links(documents, "u.json");
  links.link("alice", 5, "t");
  links.link("bob", 6, "t");
  CHECK(links.set_active(5, false).value() == std::vector<std::string>{"alice"});
  CHECK_FALSE(links.reaches("alice"));
  CHECK(links.reaches("bob"));
  CHECK(documents.files.at("u.json").find(R"("active": false)") != std::string::npos);
  CHECK(parse_links(documents.files.at("u.json")).value().at("alice").active == false);
  CHECK(links.set_active(5, false).value().empty());
  CHECK(links.set_active(5, true).value() == std::vector<std::string>{"alice"});
  CHECK(links.reaches("alice"));
}

TEST_CASE("a migrated group takes its links along", "[link_registry]") {
  MemoryDocuments documents;
  LinkRegistry links(documents, "u.json");
  links.link("ops", -100, "t");
  CHECK(links.migrate(-100, -1009999).value() == std::vector<std::string>{"ops"});
  CHECK(links.find("ops")->chat_id == -1009999);
}

TEST_CASE("a failed save changes nothing", "[link_registry]") {
  MemoryDocuments documents;
  LinkRegistry links(documents, "u.json");
  documents.fail_writes = true;
  CHECK_FALSE(links.link("alice", 1, "t").ok);
  CHECK_FALSE(links.reaches("alice"));
}

TEST_CASE("a link another program wrote is seen at once and kept by the next change", "[link_registry]") {
  MemoryDocuments documents;
  LinkRegistry links(documents, "u.json");
  REQUIRE(links.load());
  REQUIRE(links.link("alice", 1, "t1"));
  documents.put("u.json", R"({"alice": {"chat_id": 1, "linked_at": "t1"}, "bob": {"chat_id": 2, "linked_at": "t2"}})");
  CHECK(links.reaches("bob"));
  CHECK(links.users_of(2) == std::vector<std::string>{"bob"});
  REQUIRE(links.link("carol", 3, "t3"));
  const auto saved = parse_links(documents.file("u.json")).value();
  CHECK(saved.size() == 3);
  CHECK(saved.at("bob").chat_id == 2);

  documents.put("u.json", R"({"carol": {"chat_id": 3, "linked_at": "t3"}})");  // the other program unlinked two
  CHECK_FALSE(links.reaches("alice"));
  CHECK(links.size() == 1);
}

TEST_CASE("a file caught half-written keeps the last good copy for reads and refuses changes", "[link_registry]") {
  MemoryDocuments documents;
  LinkRegistry links(documents, "u.json");
  REQUIRE(links.link("alice", 1, "t1"));
  documents.put("u.json", R"({"alice": {"chat_id": 1, "li)");
  CHECK(links.reaches("alice"));
  const auto status = links.link("bob", 2, "t2");
  CHECK_FALSE(status.ok);
  CHECK(status.message.find("fix or remove it") != std::string::npos);
  CHECK(documents.file("u.json") == R"({"alice": {"chat_id": 1, "li)");
}

TEST_CASE("two instances cannot claim one file", "[file_claims]") {
  CHECK(notifyd::telegram::FileClaims::claim({"a.json", "b.json"}, "one").empty());
  CHECK(notifyd::telegram::FileClaims::claim({"a.json"}, "one").empty());
  CHECK(notifyd::telegram::FileClaims::claim({"c.json", "b.json"}, "two") ==
        "b.json is already used by the telegram instance \"one\"");
  notifyd::telegram::FileClaims::release("one");
  CHECK(notifyd::telegram::FileClaims::claim({"c.json", "b.json"}, "two").empty());
  notifyd::telegram::FileClaims::release("two");
}
