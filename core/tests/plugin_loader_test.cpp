#include <catch2/catch.hpp>

#include "plugin_loader.hpp"
#include "test_support.hpp"

using namespace notifyd;

namespace {

std::filesystem::path fixture(const std::string& name) {
  return std::filesystem::path(NOTIFYD_FIXTURE_DIR) / ("notifyd_" + name + ".so");
}

std::string load_error(const std::string& name) {
  auto result = core::PluginLoader::load_file(fixture(name), name);
  REQUIRE_FALSE(result.ok());
  return result.error();
}

}  // namespace

TEST_CASE("a real plugin loads with its kind and schema") {
  core::PluginLoader loader(NOTIFYD_PLUGIN_DIR);
  auto library = loader.load("console");
  REQUIRE(library.ok());
  CHECK(library.value()->descriptor->kind == sdk::Kind::channel);
  CHECK(library.value()->schema.find("users") != nullptr);
  auto again = loader.load("console");
  CHECK(again.value() == library.value());
}

TEST_CASE("each broken plugin is refused with the file and the reason") {
  const auto missing = fixture("missing_symbol").string();
  CHECK(load_error("missing_symbol") ==
        missing + ": does not export the `notifyd_plugin` descriptor; build it with notifyd_add_plugin() and end its "
                  "main file with NOTIFYD_PLUGIN(...)");

  const auto abi = load_error("wrong_abi");
  CHECK_THAT(abi, Catch::StartsWith(fixture("wrong_abi").string() + ": plugin ABI version 999, host ABI version " +
                                    std::to_string(sdk::abi_version)));

  const auto toolchain = load_error("wrong_toolchain");
  CHECK_THAT(toolchain, Catch::StartsWith(fixture("wrong_toolchain").string() +
                                          ": built with toolchain \"gcc 4.8.5;boost 1_53;cxx 201103L;cxx11abi 0\""));
  CHECK_THAT(toolchain, Catch::Contains(std::string("host built with \"") + core::host_toolchain_id() + "\""));

  CHECK_THAT(load_error("no_such"), Catch::EndsWith("notifyd_no_such.so: no such plugin library"));

  test::TempDir dir;
  const auto not_elf = dir.write("notifyd_garbage.so", "this is not an ELF file");
  auto garbage = core::PluginLoader::load_file(not_elf, "garbage");
  REQUIRE_FALSE(garbage.ok());
  CHECK_THAT(garbage.error(), Catch::StartsWith(not_elf.string() + ": cannot be loaded: "));
}

TEST_CASE("a library declaring another name than `use` is refused") {
  auto result = core::PluginLoader::load_file(fixture("timer_probe"), "something_else");
  REQUIRE_FALSE(result.ok());
  CHECK_THAT(result.error(), Catch::Contains("declares plugin name \"timer_probe\", expected \"something_else\""));
}

TEST_CASE("create and configure failures are reported, not thrown") {
  test::TestServices services;
  SECTION("create throws") {
    auto library = core::PluginLoader::load_file(fixture("create_fails"), "create_fails");
    REQUIRE(library.ok());
    auto host = services.host("broken", sdk::Kind::frontend);
    auto plugin = core::create_plugin(library.value(), *host);
    REQUIRE_FALSE(plugin.ok());
    CHECK(plugin.error() == fixture("create_fails").string() + ": create failed: cannot reach the license server");
  }
  SECTION("configure rejects") {
    auto library = core::PluginLoader::load_file(fixture("configure_rejects"), "configure_rejects");
    REQUIRE(library.ok());
    sdk::PluginConfig config({{"threshold", std::int64_t{150}}}, {});
    auto host = services.host("picky", sdk::Kind::trigger, config);
    auto plugin = core::create_plugin(library.value(), *host);
    REQUIRE(plugin.ok());
    auto status = plugin.value()->configure();
    CHECK_FALSE(status.ok);
    CHECK(status.message == "`threshold` must be below 100, got 150");
  }
}

TEST_CASE("a plugin arms a timer on the host executor and it fires") {
  test::TestServices services;
  auto library = core::PluginLoader::load_file(fixture("timer_probe"), "timer_probe");
  REQUIRE(library.ok());
  sdk::PluginConfig config({{"delay", std::chrono::milliseconds{10}}, {"marker", std::string("probe/fired")}}, {});
  auto host = services.host("probe", sdk::Kind::trigger, config);
  auto plugin = core::create_plugin(library.value(), *host);
  REQUIRE(plugin.ok());
  REQUIRE(plugin.value()->start().ok);
  const bool fired = services.run_until([&] { return std::filesystem::exists(services.dir.path() / "probe/fired"); });
  CHECK(fired);
  // Its stop completes a timer and a socket read on the host's executor first.
  bool stopped = false;
  plugin.value()->stop([&] { stopped = true; });
  CHECK(services.run_until([&] { return stopped; }));
}
