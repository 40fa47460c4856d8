#include "operator_commands.hpp"

#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "daemon_call.hpp"
#include "doctor_probe.hpp"
#include "doctor_report.hpp"
#include "queue_text.hpp"
#include "resolved_config.hpp"
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

}  // namespace

ExitCode run_queue(const GlobalOptions& options, const ApiClient& client, Console& console) {
  auto answer = get(client, "/v1/health", console);
  if (const auto* code = std::get_if<ExitCode>(&answer)) return *code;
  return print_answer<HealthReport>(std::get<ApiResponse>(answer), options, console, queue_text);
}

ExitCode run_users(const GlobalOptions& options, const ApiClient& client, Console& console) {
  auto answer = get(client, "/api/telegram/users", console,
                    "(is a telegram plugin with routes = true in notifyd.toml, and is it a version that lists users?)");
  if (const auto* code = std::get_if<ExitCode>(&answer)) return *code;
  return print_answer<LinkedUserList>(std::get<ApiResponse>(answer), options, console, users_text);
}

ExitCode run_doctor(const DoctorArguments& arguments, const GlobalOptions& options, const char* socket_from_environment,
                    Console& console) {
  const bool socket_named = options.socket_path || (socket_from_environment != nullptr && *socket_from_environment);
  const std::string named_socket = resolve_socket_path(options.socket_path, socket_from_environment);
  // Without --config, the file of the daemon answering on the socket is the one to check.
  const std::optional<std::string> daemon_config =
      arguments.config_path ? std::nullopt : daemon_config_path(named_socket);
  const std::string config_path =
      arguments.config_path.value_or(daemon_config.value_or(std::string(default_config_path)));
  std::vector<DoctorFinding> findings;

  std::string config_text;
  ConfigFileFacts config_file = probe_config_file(config_path, config_text);
  config_file.named = arguments.config_path.has_value();
  config_file.from_daemon = daemon_config.has_value();
  if (!config_file.exists && !config_file.named) {
    const ApiClient probe(named_socket, options.timeout_given ? options.timeout : doctor_socket_timeout);
    const auto answer = probe.send({"GET", "/v1/health", std::nullopt});
    config_file.daemon_answers = std::holds_alternative<ApiResponse>(answer);
    config_file.daemon_socket = named_socket;
  }
  findings.push_back(judge_config_file(config_file));
  std::optional<ResolvedConfig> resolved;
  if (config_file.readable) {
    ConfigCheckFacts check = probe_config_check(find_notifyd_binary(), config_path, doctor_check_config_timeout);
    check.resolved = decode_resolved_config(check.output);
    resolved = check.resolved;
    findings.push_back(judge_config_check(check));
  }

  const std::string socket_path =
      socket_named || !resolved || !resolved->socket_path ? named_socket : *resolved->socket_path;
  const DoctorFinding socket_file = judge_socket_file(probe_socket(socket_path));
  findings.push_back(socket_file);

  if (resolved && resolved->data_dir) findings.push_back(judge_data_dir(probe_data_dir(*resolved->data_dir)));
  const std::string env_file = config_directory_file(config_path, "notifyd.env");
  if (resolved && resolved->cluster_backend == "postgres") {
    PostgresFacts postgres;
    std::string why = "[cluster] names neither dsn_env nor dsn_file";
    const auto dsn = resolved->cluster_dsn ? read_secret(*resolved->cluster_dsn, env_file, why) : std::nullopt;
    if (dsn) {
      postgres = probe_postgres(*dsn);
    } else {
      postgres.dsn_error = why;
    }
    findings.push_back(judge_postgres(postgres));
  }

  std::vector<DoctorFinding> daemon_findings;
  std::optional<HealthReport> health;
  if (socket_file.verdict != Verdict::fail) {
    const ApiClient client(socket_path, options.timeout_given ? options.timeout : doctor_socket_timeout);
    auto result = client.send({"GET", "/v1/health", std::nullopt});
    ConnectionFacts connection;
    if (const auto* failure = std::get_if<TransportFailure>(&result)) {
      connection.error = failure->message;
    } else {
      const auto& response = std::get<ApiResponse>(result);
      connection.answered = true;
      connection.status = response.status;
      auto decoded = decode_answer<HealthReport>(response.body);
      if (decoded && response.successful()) health = std::move(decoded).value();
    }
    daemon_findings.push_back(judge_socket_connection(socket_path, connection));
  }

  // A channel the daemon runs has its secret, wherever the daemon found it.
  const auto running = [&](const std::string& instance) {
    return health && std::any_of(health->channels.begin(), health->channels.end(), [&](const notifyd::sdk::ChannelHealth& counts) {
             return counts.channel == instance && counts.state != "off";
           });
  };
  std::vector<std::string> telegram_instances;
  std::vector<TokenFacts> other_secrets;
  for (const SecretSource& source : resolved ? resolved->secrets : std::vector<SecretSource>{}) {
    if (running(source.instance)) {
      if (source.use == "telegram") telegram_instances.push_back(source.instance);
      continue;
    }
    const TokenFacts secret = probe_secret(source, env_file);
    if (source.use == "telegram") {
      telegram_instances.push_back(source.instance);
      findings.push_back(judge_telegram_token(secret));
    } else {
      other_secrets.push_back(secret);
    }
  }

  findings.insert(findings.end(), daemon_findings.begin(), daemon_findings.end());
  if (health) {
    const auto channels = judge_channels(*health, telegram_instances, other_secrets);
    findings.insert(findings.end(), channels.begin(), channels.end());
  }

  if (options.json_output) {
    console.out << doctor_json(findings);
  } else {
    console.out << doctor_text(findings);
  }
  return has_failure(findings) ? ExitCode::refused : ExitCode::success;
}

}  // namespace notifyctl
