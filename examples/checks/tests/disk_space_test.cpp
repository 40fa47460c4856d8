#include <catch2/catch.hpp>

#include <filesystem>

#include "contract_json.hpp"
#include "loaded_check.hpp"

using notifyd::examples::testing::contract_json;
using notifyd::examples::testing::LoadedCheck;
namespace sdk = notifyd::sdk;

namespace {

std::string here() { return std::filesystem::temp_directory_path().string(); }

}  // namespace

TEST_CASE("disk_space exports a check named like its library, with its keys") {
  LoadedCheck check(DISK_SPACE_LIBRARY);
  CHECK(std::string(check.descriptor().name) == "disk_space");
  REQUIRE(check.schema().find("path"));
  CHECK(check.schema().find("path")->type == sdk::ConfigType::path);
  REQUIRE(check.schema().find("min_free_percent"));
  CHECK(std::get<std::int64_t>(check.schema().find("min_free_percent")->default_value) == 10);
  CHECK(check.configured());
}

TEST_CASE("disk_space is quiet when the threshold is 0") {
  LoadedCheck check(DISK_SPACE_LIBRARY, {{"path", here()}, {"min_free_percent", std::int64_t{0}}});
  REQUIRE(check.configured());
  auto result = check.run();
  REQUIRE(result.ok());
  CHECK_FALSE(result->notify);
  CHECK(result->data_json.find("\"free_percent\":") != std::string::npos);
  CHECK(sdk::parse_check_result(contract_json(result.value())).ok());
}

TEST_CASE("disk_space notifies with free GiB and percent when the threshold is 100") {
  // The filesystem holding the temp directory is never entirely free.
  LoadedCheck check(DISK_SPACE_LIBRARY, {{"path", here()}, {"min_free_percent", std::int64_t{100}}});
  auto result = check.run();
  REQUIRE(result.ok());
  CHECK(result->notify);
  CHECK(result->title == "Low disk space on " + here());
  CHECK(result->message.find("GiB free of") != std::string::npos);
  CHECK(result->message.find("%), below 100%.") != std::string::npos);
  CHECK(result->cooldown == sdk::default_cooldown);
  auto parsed = sdk::parse_check_result(contract_json(result.value()));
  REQUIRE(parsed.ok());
  CHECK(parsed->message == result->message);
}

TEST_CASE("disk_space refuses a percentage outside 0..100") {
  CHECK_FALSE(LoadedCheck(DISK_SPACE_LIBRARY, {{"min_free_percent", std::int64_t{101}}}).configured());
  LoadedCheck negative(DISK_SPACE_LIBRARY, {{"min_free_percent", std::int64_t{-1}}});
  CHECK_FALSE(negative.configured());
  CHECK(negative.configured().message.find("between 0 and 100") != std::string::npos);
}

TEST_CASE("disk_space fails the run for a missing path and a filesystem without size") {
  LoadedCheck missing(DISK_SPACE_LIBRARY, {{"path", std::string("/nonexistent/notifyd-test")}});
  auto result = missing.run();
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().find("No such file or directory") != std::string::npos);

  LoadedCheck proc(DISK_SPACE_LIBRARY, {{"path", std::string("/proc")}});
  auto pseudo = proc.run();
  REQUIRE_FALSE(pseudo.ok());
  CHECK(pseudo.error().find("without a size") != std::string::npos);
}
