#include <catch2/catch.hpp>

#include <sstream>

#include "command_line.hpp"
#include "command_table.hpp"
#include "help_text.hpp"

using namespace notifyctl;

TEST_CASE("every command in the table parses, has help and is listed", "[command_table]") {
  const std::string general = general_help();
  for (const CommandSpec& command : command_table()) {
    INFO(command.name);
    CHECK(find_command(command.name) == &command);
    CHECK_FALSE(command.summary.empty());
    CHECK(command.parse != nullptr);
    CHECK(command.run != nullptr);
    CHECK(general.find("  " + std::string(command.name)) != std::string::npos);
    CHECK(general.find(std::string(command.summary)) != std::string::npos);
    if (command.name != "help") {
      REQUIRE(command_help(command.name));
      CHECK(command_help(command.name)->starts_with("Usage: notifyctl " + std::string(command.name)));
    }
    for (const CommandOption& option : command.options) {
      INFO(option.name);
      // Each declared option is accepted by the parser (it may still refuse the value or the combination).
      std::vector<std::string> arguments{std::string(command.name), std::string(option.name)};
      if (option.takes_value) arguments.emplace_back("x");
      const auto parsed = parse_command_line(arguments);
      if (const auto* error = std::get_if<UsageError>(&parsed)) {
        CHECK(error->message.find("unknown option") == std::string::npos);
      }
    }
  }
  CHECK(find_command("frobnicate") == nullptr);
}

TEST_CASE("a command line names its table entry, which dispatch runs", "[command_table]") {
  const auto parsed = parse_command_line({"queue", "--json"});
  REQUIRE(std::holds_alternative<CommandLine>(parsed));
  CHECK(std::get<CommandLine>(parsed).name == "queue");
  const auto help = parse_command_line({"--help"});
  REQUIRE(std::holds_alternative<CommandLine>(help));
  CHECK(std::get<CommandLine>(help).name == "help");

  std::istringstream in;
  std::ostringstream out, err;
  Console console{in, out, err};
  const ApiClient client("/nonexistent/notifyd.sock", std::chrono::milliseconds(1000));
  const GlobalOptions options;
  const CommandContext context{options, client, console, nullptr};
  CHECK(find_command("help")->run(HelpRequest{"logs"}, context) == ExitCode::success);
  CHECK(out.str() == *command_help("logs"));
}

TEST_CASE("--manpage prints notifyctl.1 from the same text as --help", "[command_table]") {
  const auto parsed = parse_command_line({"--manpage"});
  REQUIRE(std::holds_alternative<CommandLine>(parsed));
  CHECK(std::holds_alternative<ManpageRequest>(std::get<CommandLine>(parsed).command));

  const std::string page = manpage("1.2.3");
  CHECK(page.find(".TH NOTIFYCTL 1 \"\" \"notifyctl 1.2.3\"") != std::string::npos);
  for (const CommandSpec& command : command_table()) {
    INFO(command.name);
    std::string name;  // as roff spells it: desktop\-token
    for (const char c : command.name) name += c == '-' ? std::string("\\-") : std::string(1, c);
    CHECK(page.find(".B " + name) != std::string::npos);
    if (command.name != "help") CHECK(page.find(".SS " + name) != std::string::npos);
  }
  CHECK(page.find("\\-\\-socket PATH") != std::string::npos);
  CHECK(page.find("NOTIFYD_SOCKET") != std::string::npos);
  // Only requests start with a dot or a quote; help text that does is escaped.
  std::istringstream lines(page);
  std::string line;
  const std::vector<std::string> requests{".\\\"", ".TH", ".SH", ".SS", ".TP", ".B ", ".BR", ".nf", ".fi"};
  while (std::getline(lines, line)) {
    if (line.empty() || (line[0] != '.' && line[0] != '\'')) continue;
    INFO(line);
    CHECK(std::any_of(requests.begin(), requests.end(), [&](const std::string& r) { return line.starts_with(r); }));
  }
}
