#include <catch2/catch.hpp>

#include <sstream>

#include "notifyd/sdk/settings_schema.hpp"
#include "notifyd/testing/plugin_config.hpp"
#include "notifyd/testing/problem_lines.hpp"
#include "plugin_docs.hpp"

using namespace notifyd;
using namespace std::chrono_literals;

namespace {

struct Settings {
  std::chrono::milliseconds idle_timeout{0};
  std::chrono::seconds poll{0};
  std::size_t max_clients = 0;
  std::uint8_t small = 0;
  std::string format;
  std::string binary;
  std::string label;
  std::vector<std::string> users;
  bool verbose = false;
  int parsed = 0;
};

sdk::Result<int> parse_number(const std::string& text) {
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos) {
    return sdk::Result<int>::failure("\"" + text + "\" is not a number");
  }
  return std::stoi(text);
}

const sdk::SettingsSchema<Settings>& schema() {
  static const auto schema = [] {
    sdk::SettingsSchema<Settings> s("A plugin for tests.");
    s.duration("idle_timeout", 30s, "closed after this").into(&Settings::idle_timeout).positive().at_most(1h);
    s.duration("poll", 5s, "poll interval").into(&Settings::poll).at_least(1s);
    s.integer("max_clients", 16, "clients at once").into(&Settings::max_clients).between(1, 1024);
    s.integer("small", 1, "fits a byte").into(&Settings::small);
    s.string("format", "text", "output").into(&Settings::format).one_of({"text", "json"});
    s.string("binary", "/bin/true", "program").into(&Settings::binary).absolute_path();
    s.string("label", "x", "label").into(&Settings::label).printable().not_empty();
    s.string_list("users", {"alice"}, "users").into(&Settings::users).satisfies(
        "at most 2 names", [](const std::vector<std::string>& users) { return users.size() <= 2; });
    s.boolean("verbose", false, "more lines").into(&Settings::verbose);
    s.string("number", "7", "a number").into(&Settings::parsed, parse_number);
    s.rule({"verbose", "format"}, [](const Settings& settings, sdk::ConfigProblems& problems) {
      if (settings.verbose && settings.format == "json") problems.add("verbose", "needs format = \"text\"");
      if (settings.format.empty()) problems.add_general("format read as empty: the rule ran on a refused key");
    });
    return s;
  }();
  return schema;
}

void describe(sdk::ConfigSchema& declared) { schema().describe(declared); }

sdk::PluginConfig config(const std::map<std::string, sdk::ConfigValue>& overrides = {}) {
  return testing::plugin_config(describe, overrides);
}

std::vector<std::string> problems(const std::map<std::string, sdk::ConfigValue>& overrides) {
  const auto read = schema().read(config(overrides));
  REQUIRE_FALSE(read.ok());
  return testing::problem_lines(read.error());
}

}  // namespace

TEST_CASE("the defaults are read into the struct, converted to each member's type") {
  const auto read = schema().read(config());
  REQUIRE(read.ok());
  CHECK(read->idle_timeout == 30s);
  CHECK(read->poll == 5s);
  CHECK(read->max_clients == 16);
  CHECK(read->small == 1);
  CHECK(read->format == "text");
  CHECK(read->binary == "/bin/true");
  CHECK(read->users == std::vector<std::string>{"alice"});
  CHECK_FALSE(read->verbose);
  CHECK(read->parsed == 7);
}

TEST_CASE("each constraint refuses what it should, naming the key") {
  CHECK(problems({{"idle_timeout", 0ms}}) == std::vector<std::string>{"idle_timeout: must be above 0"});
  CHECK(problems({{"idle_timeout", 2h}}) == std::vector<std::string>{"idle_timeout: must be at most 1h"});
  CHECK(problems({{"poll", 500ms}}) == std::vector<std::string>{"poll: must be at least 1s"});
  CHECK(problems({{"max_clients", std::int64_t{0}}}) ==
        std::vector<std::string>{"max_clients: must be between 1 and 1024"});
  CHECK(problems({{"max_clients", std::int64_t{1025}}}) ==
        std::vector<std::string>{"max_clients: must be between 1 and 1024"});
  CHECK(problems({{"small", std::int64_t{256}}}) == std::vector<std::string>{"small: must be between 0 and 255"});
  CHECK(problems({{"format", std::string("xml")}}) ==
        std::vector<std::string>{"format: must be one of \"text\", \"json\", got \"xml\""});
  CHECK(problems({{"binary", std::string("true")}}) ==
        std::vector<std::string>{"binary: \"true\" is not an absolute path"});
  CHECK(problems({{"label", std::string("a\tb")}}) == std::vector<std::string>{"label: contains a control character"});
  CHECK(problems({{"label", std::string()}}) == std::vector<std::string>{"label: must be not empty"});
  CHECK(problems({{"users", std::vector<std::string>{"a", "b", "c"}}}) ==
        std::vector<std::string>{"users: must be at most 2 names"});
  CHECK(problems({{"number", std::string("x1")}}) == std::vector<std::string>{"number: \"x1\" is not a number"});
  CHECK(problems({{"verbose", true}, {"format", std::string("json")}}) ==
        std::vector<std::string>{"verbose: needs format = \"text\""});
  CHECK(problems({{"verbose", true}, {"format", std::string("xml")}}) ==
        std::vector<std::string>{"format: must be one of \"text\", \"json\", got \"xml\""});
}

TEST_CASE("every mistake is reported at once, in declaration order") {
  CHECK(problems({{"idle_timeout", 0ms},
                  {"max_clients", std::int64_t{0}},
                  {"format", std::string("xml")},
                  {"number", std::string("")}}) ==
        std::vector<std::string>{"idle_timeout: must be above 0", "max_clients: must be between 1 and 1024",
                                 "format: must be one of \"text\", \"json\", got \"xml\"",
                                 "number: \"\" is not a number"});
}

TEST_CASE("the declared schema carries each key once, its constraints in the printed docs") {
  sdk::ConfigSchema declared;
  schema().describe(declared);
  CHECK(declared.summary() == "A plugin for tests.");
  REQUIRE(declared.keys().size() == 10);
  const auto* idle = declared.find("idle_timeout");
  REQUIRE(idle != nullptr);
  CHECK(idle->type == sdk::ConfigType::duration);
  CHECK(idle->help == "closed after this; must be above 0, at most 1h");
  CHECK(declared.find("small")->help == "fits a byte");

  std::ostringstream docs;
  core::print_schema(docs, "[[plugin]]\nuse = \"test\"", declared);
  const auto text = docs.str();
  CHECK_THAT(text, Catch::Contains("# closed after this; must be above 0, at most 1h (duration)\nidle_timeout = \"30s\""));
  CHECK_THAT(text, Catch::Contains("# clients at once; must be between 1 and 1024 (integer)"));
  CHECK_THAT(text, Catch::Contains("# output; must be one of \"text\", \"json\" (string)"));
  CHECK_THAT(text, Catch::Contains("# label; must be free of control characters, not empty (string)"));
}
