#include <catch2/catch.hpp>

#include <set>

#include "test_support.hpp"
#include "verification_codes.hpp"

using namespace notifyd::telegram;
using notifyd::telegram::testing::MemoryDocuments;

namespace {

CodeSource sequence(std::vector<std::string> codes) {
  auto shared = std::make_shared<std::vector<std::string>>(std::move(codes));
  auto index = std::make_shared<std::size_t>(0);
  return [shared, index]() -> std::optional<std::string> {
    if (*index >= shared->size()) return std::nullopt;
    return (*shared)[(*index)++];
  };
}

}  // namespace

TEST_CASE("random codes are six digits and vary", "[verification_codes]") {
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    const auto code = random_code();
    REQUIRE(code);
    CHECK(is_code_shaped(*code));
    seen.insert(*code);
  }
  CHECK(seen.size() > 190);
}

TEST_CASE("the seed's pending_codes.json is read and written in its format", "[verification_codes]") {
  const auto codes = parse_pending_codes(R"({"123456": {"chat_id": 123, "created_at": 1732550000.75},
      "bad": {"chat_id": 1, "created_at": 1}, "654321": {"chat_id": "x"}, "111111": []})");
  REQUIRE(codes.ok());
  REQUIRE(codes.value().size() == 1);
  CHECK(codes.value().at("123456").chat_id == 123);
  CHECK(codes.value().at("123456").created_at == 1732550000);
  const auto text = serialize_pending_codes(codes.value());
  CHECK(text.find(R"("123456": {)") != std::string::npos);
  CHECK(parse_pending_codes(text).value().at("123456").chat_id == 123);
  CHECK_FALSE(parse_pending_codes("[1,2]").ok());
  CHECK_FALSE(parse_pending_codes("{").ok());
}

TEST_CASE("a code is single use and saved before it is shown", "[verification_codes]") {
  MemoryDocuments documents;
  VerificationCodes codes(documents, "pending_codes.json", std::chrono::seconds(600), sequence({"123456"}));
  REQUIRE(codes.load());
  const auto code = codes.issue(55, 1000);
  REQUIRE(code.ok());
  CHECK(code.value() == "123456");
  CHECK(documents.files.at("pending_codes.json").find("\"chat_id\": 55") != std::string::npos);
  const auto redeemed = codes.redeem("123456", 1100);
  REQUIRE(redeemed.ok());
  CHECK(redeemed.value() == 55);
  CHECK_FALSE(codes.redeem("123456", 1100).value());
  CHECK(documents.files.at("pending_codes.json").find("123456") == std::string::npos);
}

TEST_CASE("a new /start replaces the chat's earlier code", "[verification_codes]") {
  MemoryDocuments documents;
  VerificationCodes codes(documents, "c.json", std::chrono::seconds(600), sequence({"111111", "222222", "333333"}));
  codes.issue(1, 1000);
  codes.issue(2, 1000);
  codes.issue(1, 1001);
  CHECK_FALSE(codes.redeem("111111", 1002).value());
  CHECK(codes.redeem("333333", 1002).value() == 1);
  CHECK(codes.redeem("222222", 1002).value() == 2);
}

TEST_CASE("codes expire after the ttl", "[verification_codes]") {
  MemoryDocuments documents;
  VerificationCodes codes(documents, "c.json", std::chrono::seconds(600), sequence({"111111", "222222"}));
  codes.issue(1, 1000);
  CHECK(codes.size(1599) == 1);
  CHECK(codes.size(1600) == 0);
  CHECK_FALSE(codes.redeem("111111", 1600).value());
}

TEST_CASE("a code already pending for another chat is not handed out again", "[verification_codes]") {
  MemoryDocuments documents;
  VerificationCodes codes(documents, "c.json", std::chrono::seconds(600), sequence({"111111", "111111", "222222"}));
  CHECK(codes.issue(1, 1000).value() == "111111");
  CHECK(codes.issue(2, 1000).value() == "222222");
}

TEST_CASE("a failed save leaves the codes as they were", "[verification_codes]") {
  MemoryDocuments documents;
  VerificationCodes codes(documents, "c.json", std::chrono::seconds(600), sequence({"111111", "222222"}));
  codes.issue(1, 1000);
  documents.fail_writes = true;
  CHECK_FALSE(codes.issue(2, 1000).ok());
  CHECK_FALSE(codes.redeem("111111", 1001).ok());
  documents.fail_writes = false;
  CHECK(codes.redeem("111111", 1001).value() == 1);
}

TEST_CASE("a corrupt codes file is reported and replaced by an empty set", "[verification_codes]") {
  MemoryDocuments documents;
  documents.files["c.json"] = "{not json";
  VerificationCodes codes(documents, "c.json", std::chrono::seconds(600), sequence({}));
  const auto status = codes.load();
  CHECK_FALSE(status.ok);
  CHECK(status.message.find("c.json") != std::string::npos);
  CHECK(codes.size(0) == 0);
}

TEST_CASE("a code another program redeemed is gone; one it issued is redeemed", "[verification_codes]") {
  MemoryDocuments documents;
  VerificationCodes codes(documents, "c.json", std::chrono::seconds(600), sequence({"111111", "222222"}));
  REQUIRE(codes.issue(1, 1000).value() == "111111");
  documents.put("c.json", "{}");  // the dashboard used it
  CHECK_FALSE(codes.redeem("111111", 1001).value());
  documents.put("c.json", R"({"333333": {"chat_id": 7, "created_at": 1000}})");
  REQUIRE(codes.issue(2, 1002).value() == "222222");
  const auto saved = parse_pending_codes(documents.file("c.json")).value();
  CHECK(saved.size() == 2);
  CHECK(codes.redeem("333333", 1003).value() == 7);
}
