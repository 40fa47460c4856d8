#include "local_run.hpp"

#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <ctime>
#include <optional>
#include <vector>

#include "api_requests.hpp"
#include "api_responses.hpp"
#include "cooldown_state.hpp"
#include "local_process.hpp"
#include "local_scripts.hpp"
#include "notifyd/sdk/check_result.hpp"
#include "runner_log.hpp"
#include "terminal_text.hpp"

namespace notifyctl {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t logged_stderr_lines = 20;
constexpr std::size_t printed_stderr_lines = 5;

struct Caller {
  std::string name;
  fs::path home;
};

std::optional<Caller> current_caller() {
  const passwd* entry = ::getpwuid(::geteuid());
  if (entry == nullptr || entry->pw_name == nullptr || entry->pw_dir == nullptr || *entry->pw_dir == '\0') {
    return std::nullopt;
  }
  return Caller{entry->pw_name, entry->pw_dir};
}

std::string span(std::int64_t seconds) {
  if (seconds >= 86400 && seconds % 86400 == 0) return std::to_string(seconds / 86400) + "d";
  if (seconds >= 3600 && seconds % 3600 == 0) return std::to_string(seconds / 3600) + "h";
  if (seconds >= 60) return std::to_string((seconds + 59) / 60) + "m";
  return std::to_string(seconds) + "s";
}

std::vector<std::string> last_lines(std::string_view text, std::size_t count) {
  std::vector<std::string> lines;
  while (!text.empty() && lines.size() < count) {
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
    if (text.empty()) break;
    const auto newline = text.rfind('\n');
    lines.push_back(printable_line(newline == std::string_view::npos ? text : text.substr(newline + 1)));
    text = newline == std::string_view::npos ? std::string_view{} : text.substr(0, newline);
  }
  std::reverse(lines.begin(), lines.end());
  return lines;
}

/// What happened to one script, for the console and runner.log.
class ScriptReport {
 public:
  ScriptReport(std::string name, Console& console) : name_(std::move(name)), console_(console) {}

  void info(const std::string& message) { add("INFO", message); }
  void error(const std::string& message, std::string_view stderr_text = {}) {
    add("ERROR", message);
    const auto logged = last_lines(stderr_text, logged_stderr_lines);
    for (std::size_t i = 0; i < logged.size(); ++i) {
      log_ += runner_log_line(std::time(nullptr), "ERROR", name_ + ": stderr: " + logged[i]);
      if (i + printed_stderr_lines >= logged.size()) console_.out << "  | " << logged[i] << '\n';
    }
  }
  const std::string& log_lines() const { return log_; }

 private:
  void add(std::string_view level, const std::string& message) {
    const std::string line = name_ + ": " + message;
    log_ += runner_log_line(std::time(nullptr), level, line);
    console_.out << printable_line(line) << '\n';
  }

  std::string name_;
  Console& console_;
  std::string log_;
};

ExitCode worse(ExitCode a, ExitCode b) {
  const auto rank = [](ExitCode code) {
    return code == ExitCode::unreachable ? 2 : code == ExitCode::success ? 0 : 1;
  };
  return rank(a) >= rank(b) ? a : b;
}

// Sends what a script reported; the state file is updated only after the daemon accepted it.
ExitCode send_result(const Caller& caller, const std::string& name, const notifyd::sdk::CheckResult& result,
                     const ApiClient& client, ScriptReport& report) {
  const std::string text = seed_text(result.title, result.message);
  auto body = result.image_path.empty() ? send_request_body(caller.name, text)
                                        : send_photo_request_body(caller.name, result.image_path, text);
  if (const auto* invalid = std::get_if<InvalidInput>(&body)) {
    report.error("not sent: " + invalid->message);
    return ExitCode::refused;
  }
  const std::string target = result.image_path.empty() ? "/send" : "/send_photo";
  auto answer = client.send({"POST", target, std::get<std::string>(std::move(body))});
  if (const auto* failure = std::get_if<TransportFailure>(&answer)) {
    report.error("not sent: " + failure->message);
    return failure->kind == TransportFailure::Kind::unreachable ? ExitCode::unreachable : ExitCode::refused;
  }
  const auto& response = std::get<ApiResponse>(answer);
  if (!response.successful()) {
    report.error("not sent: " + describe_refusal(response.status, response.reason, response.body));
    return ExitCode::refused;
  }
  std::string sent = "sent";
  const auto receipt = decode_send_receipt(response.body);
  if (const auto* accepted = std::get_if<SendReceipt>(&receipt); accepted && accepted->id) {
    sent += " (notification " + std::to_string(*accepted->id) + ")";
  }
  report.info(sent);
  const fs::path state = caller.home / runner_state_directory / (name + ".json");
  if (const std::string error = write_last_sent(state, std::time(nullptr)); !error.empty()) {
    report.error("sent, but the cooldown state was not saved: " + error);
    return ExitCode::refused;
  }
  return ExitCode::success;
}

ExitCode run_one(const Caller& caller, const fs::path& script, const std::string& interpreter, const ApiClient& client,
                 ScriptReport& report) {
  const std::string name = script.stem().string();
  const LocalRun run = run_local_script(interpreter, script.string(), caller.home.string(),
                                        {"MPLCONFIGDIR=/tmp/mpl_" + caller.name, "NOTIFYD_CHECK=" + name,
                                         "NOTIFYD_USER=" + caller.name},
                                        LocalLimits{});
  switch (run.status) {
    case LocalRun::Status::failed_to_start:
      report.error("cannot run: " + run.error);
      return ExitCode::refused;
    case LocalRun::Status::timed_out:
      report.error(run.error, run.stderr_tail);
      return ExitCode::refused;
    case LocalRun::Status::exited:
      break;
  }
  if (run.exit_code != 0) {
    report.error("failed with exit status " + std::to_string(run.exit_code) + (run.error.empty() ? "" : " (" + run.error + ")"),
                 run.stderr_tail);
    return ExitCode::refused;
  }
  if (run.output_truncated) {
    report.error("bad output: stdout is larger than " + std::to_string(notifyd::sdk::max_check_output_bytes) + " bytes",
                 run.stderr_tail);
    return ExitCode::refused;
  }
  auto result = notifyd::sdk::parse_check_result(run.output);
  if (!result) {
    report.error("bad output: " + result.error(), run.stderr_tail);
    return ExitCode::refused;
  }
  if (!result.value().notify) {
    report.info("nothing to report");
    return ExitCode::success;
  }
  const auto last_sent = read_last_sent(caller.home / runner_state_directory / (name + ".json"));
  if (const auto left = cooldown_left(last_sent, result.value().cooldown, std::time(nullptr)); left > 0) {
    report.info("in cooldown for another " + span(left) + " (cooldown " + span(result.value().cooldown.count()) + ")");
    return ExitCode::success;
  }
  return send_result(caller, name, result.value(), client, report);
}

}  // namespace

ExitCode run_local(const RunArguments& arguments, const ApiClient& client, Console& console) {
  const auto caller = current_caller();
  if (!caller) {
    console.err << "notifyctl: cannot find your user name and home directory\n";
    return ExitCode::refused;
  }
  std::vector<fs::path> scripts = find_local_scripts(caller->home);
  ExitCode outcome = ExitCode::success;
  if (!arguments.names.empty()) {
    std::vector<fs::path> chosen;
    for (const std::string& name : arguments.names) {
      const auto found = std::find_if(scripts.begin(), scripts.end(), [&](const fs::path& p) { return p.stem() == name; });
      if (found == scripts.end()) {
        console.err << "notifyctl: no script " << printable_line(name) << ".py in "
                    << printable_line((caller->home / "user" / "notifications").string()) << '\n';
        outcome = ExitCode::refused;
      } else {
        chosen.push_back(*found);
      }
    }
    scripts = std::move(chosen);
  }
  const fs::path log_path = caller->home / runner_log_file;
  const std::string interpreter = local_interpreter(caller->home);
  for (const fs::path& script : scripts) {
    ScriptReport report(script.stem().string(), console);
    outcome = worse(outcome, run_one(*caller, script, interpreter, client, report));
    if (const std::string error = append_runner_log(log_path, report.log_lines()); !error.empty()) {
      console.err << "notifyctl: " << error << '\n';
    }
  }
  if (scripts.empty() && arguments.names.empty()) {
    console.out << "no scripts in " << printable_line((caller->home / "user" / "notifications").string()) << '\n';
  }
  return outcome;
}

}  // namespace notifyctl
