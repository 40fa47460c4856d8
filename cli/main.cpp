#include <cstdlib>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "api_client.hpp"
#include "command_line.hpp"
#include "commands.hpp"
#include "exit_code.hpp"
#include "help_text.hpp"
#include "telegram_commands.hpp"
#include "operator_commands.hpp"

#ifndef NOTIFYCTL_VERSION
#define NOTIFYCTL_VERSION "unknown"
#endif

namespace notifyctl {
namespace {

constexpr std::chrono::milliseconds daemon_run_timeout{15 * 60 * 1000};

template <typename... Handlers>
struct Overloaded : Handlers... {
  using Handlers::operator()...;
};

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
  return std::visit(
      Overloaded{
          [](const HelpRequest& help) {
            std::cout << (help.command.empty() ? general_help() : command_help(help.command).value_or(general_help()));
            return ExitCode::success;
          },
          [](const VersionRequest&) {
            std::cout << "notifyctl " NOTIFYCTL_VERSION "\n";
            return ExitCode::success;
          },
          [&](const SendArguments& send) { return run_send(send, options, client, console); },
          [&](const HistoryArguments& history) { return run_history(history, options, client, console); },
          [&](const HealthArguments&) { return run_health(options, client, console); },
          [&](const RequestArguments& request) { return run_request(request, options, client, console); },
          [&](const ChecksArguments& checks) { return run_checks(checks, options, client, console); },
          [&](const RunArguments& run) { return run_run(run, options, client, console); },
          [&](const LogsArguments& logs) { return run_logs(logs, options, client, console); },
          [&](const CronNextArguments& next) { return run_cron_next(next, console); },
          [&](const DesktopTokenArguments& token) { return run_desktop_token(token, options, client, console); },
          [&](const QueueArguments&) { return run_queue(options, client, console); },
          [&](const UsersArguments&) { return run_users(options, client, console); },
          [&](const LoginArguments&) { return run_login(options, client, console); },
          [&](const LinkArguments& link) { return run_link(link, options, client, console); },
          [&](const UnlinkArguments& unlink) { return run_unlink(unlink, options, client, console); },
          [&](const LinkStatusArguments& status) { return run_link_status(status, options, client, console); },
          [&](const DoctorArguments& doctor) {
            return run_doctor(doctor, options, std::getenv("NOTIFYD_SOCKET"), console);
          },
      },
      command_line.command);
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
