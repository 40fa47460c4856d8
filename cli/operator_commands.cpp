#include "operator_commands.hpp"

#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "api_responses.hpp"
#include "daemon_call.hpp"
#include "doctor_probe.hpp"
#include "doctor_report.hpp"
#include "operator_responses.hpp"
#include "queue_text.hpp"
#include "users_text.hpp"

namespace notifyctl {
namespace {

using namespace std::chrono_literals;

constexpr std::chrono::milliseconds doctor_socket_timeout = 5s;
constexpr std::chrono::milliseconds doctor_check_config_timeout = 30s;

// The daemon's 2xx answer to GET `target`, or the exit code of the failure already reported.
std::variant<ApiResponse, ExitCode> get(const ApiClient& client, const std::string& target, Console& console,
                                        std::string_view not_found_hint = {}) {
  return call_daemon(client, {"GET", target, std::nullopt}, console, not_found_hint);
}

std::string config_directory_file(const std::string& config_path, const char* name) {
  return (std::filesystem::path(config_path).parent_path() / name).string();
}

}  // namespace

ExitCode run_queue(const GlobalOptions& options, const ApiClient& client, Console& console) {
  auto answer = get(client, "/v1/health", console);
  if (const auto* code = std::get_if<ExitCode>(&answer)) return *code;
  return print_answer(std::get<ApiResponse>(answer), options, console, decode_health_report, queue_text);
}

ExitCode run_users(const GlobalOptions& options, const ApiClient& client, Console& console) {
  auto answer = get(client, "/api/telegram/users", console,
                    "(is a telegram plugin with routes = true in notifyd.toml, and is it a version that lists users?)");
  if (const auto* code = std::get_if<ExitCode>(&answer)) return *code;
  return print_answer(std::get<ApiResponse>(answer), options, console, decode_linked_users, users_text);
}

ExitCode run_doctor(const DoctorArguments& arguments, const GlobalOptions& options, const char* socket_from_environment,
                    Console& console) {
  const std::string config_path = arguments.config_path.value_or(std::string(default_config_path));
  std::vector<DoctorFinding> findings;

  std::string config_text;
  const ConfigFileFacts config_file = probe_config_file(config_path, config_text);
  findings.push_back(judge_config_file(config_file));
  DoctorConfig config;
  if (config_file.readable) {
    config = read_doctor_config(config_path, config_text);
    findings.push_back(judge_config_check(
        probe_config_check(find_notifyd_binary(), config_path, doctor_check_config_timeout)));
  }

  const bool socket_named = options.socket_path || (socket_from_environment != nullptr && *socket_from_environment);
  const std::string socket_path = socket_named ? resolve_socket_path(options.socket_path, socket_from_environment)
                                               : config.socket_path.value_or(std::string(default_socket_path));
  const DoctorFinding socket_file = judge_socket_file(probe_socket(socket_path));
  findings.push_back(socket_file);

  if (config_file.readable && config.parse_error.empty()) findings.push_back(judge_data_dir(probe_data_dir(config.data_dir)));

  std::vector<std::string> telegram_instances;
  for (const auto& telegram : config.telegram) {
    telegram_instances.push_back(telegram.name);
    findings.push_back(
        judge_telegram_token(probe_telegram_token(telegram, config_directory_file(config_path, "notifyd.env"))));
  }

  if (socket_file.verdict != Verdict::fail) {
    const ApiClient client(socket_path, options.timeout_given ? options.timeout : doctor_socket_timeout);
    auto result = client.send({"GET", "/v1/health", std::nullopt});
    ConnectionFacts connection;
    if (const auto* failure = std::get_if<TransportFailure>(&result)) {
      connection.error = failure->message;
      findings.push_back(judge_socket_connection(socket_path, connection));
    } else {
      const auto& response = std::get<ApiResponse>(result);
      connection.answered = true;
      connection.status = response.status;
      findings.push_back(judge_socket_connection(socket_path, connection));
      auto decoded = decode_health_report(response.body);
      if (const auto* report = std::get_if<HealthReport>(&decoded); report != nullptr && response.successful()) {
        const auto channels = judge_channels(*report, telegram_instances);
        findings.insert(findings.end(), channels.begin(), channels.end());
      }
    }
  }

  if (options.json_output) {
    console.out << doctor_json(findings);
  } else {
    console.out << doctor_text(findings);
  }
  return has_failure(findings) ? ExitCode::refused : ExitCode::success;
}

}  // namespace notifyctl
