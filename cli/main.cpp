#include <cstdlib>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "api_client.hpp"
#include "command_line.hpp"
#include "command_table.hpp"
#include "exit_code.hpp"
#include "help_text.hpp"

#ifndef NOTIFYCTL_VERSION
#define NOTIFYCTL_VERSION "unknown"
#endif

namespace notifyctl {
namespace {

constexpr std::chrono::milliseconds daemon_run_timeout{15 * 60 * 1000};

ExitCode report_usage_error(const UsageError& error) {
  std::cerr << "notifyctl: " << error.message << '\n';
  const std::string help = error.command.empty() ? "notifyctl --help" : "notifyctl " + error.command + " --help";
  std::cerr << "Try '" << help << "'.\n";
  return ExitCode::usage;
}

ExitCode run(const std::vector<std::string>& arguments) {
  if (arguments.empty()) {
    std::cerr << general_help();
    return ExitCode::usage;
  }
  auto parsed = parse_command_line(arguments);
  if (const auto* error = std::get_if<UsageError>(&parsed)) return report_usage_error(*error);
  const CommandLine& command_line = std::get<CommandLine>(parsed);
  const GlobalOptions& options = command_line.options;

  // A run through the daemon lasts as long as its script (and its place in the queue).
  const bool runs_through_daemon =
      std::holds_alternative<RunArguments>(command_line.command) && !std::get<RunArguments>(command_line.command).local;
  const auto timeout = runs_through_daemon && !options.timeout_given ? daemon_run_timeout : options.timeout;
  const ApiClient client(resolve_socket_path(options.socket_path, std::getenv("NOTIFYD_SOCKET")), timeout);
  Console console{std::cin, std::cout, std::cerr};
  if (std::holds_alternative<VersionRequest>(command_line.command)) {
    std::cout << "notifyctl " NOTIFYCTL_VERSION "\n";
    return ExitCode::success;
  }
  if (std::holds_alternative<ManpageRequest>(command_line.command)) {
    std::cout << manpage(NOTIFYCTL_VERSION);
    return ExitCode::success;
  }
  const CommandContext context{options, client, console, std::getenv("NOTIFYD_SOCKET")};
  return find_command(command_line.name)->run(command_line.command, context);
}

}  // namespace
}  // namespace notifyctl

int main(int argc, char** argv) {
  try {
    const std::vector<std::string> arguments(argv + 1, argv + argc);
    return static_cast<int>(notifyctl::run(arguments));
  } catch (const std::exception& error) {
    std::cerr << "notifyctl: " << error.what() << '\n';
    return static_cast<int>(notifyctl::ExitCode::refused);
  }
}
