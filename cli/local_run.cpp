#include "local_run.hpp"

#include <fcntl.h>
#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <optional>
#include <vector>

#include "api_requests.hpp"
#include "answer_text.hpp"
#include "runner_state.hpp"
#include "local_process.hpp"
#include "local_scripts.hpp"
#include "notifyd/sdk/check_output.hpp"
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

/// What the run did: runner.log lines in the old runner's format, and the
/// per-script lines on the console.
class RunnerReport {
 public:
  RunnerReport(fs::path log_path, Console& console) : log_path_(std::move(log_path)), console_(console) {}

  /// A line for runner.log only (Starting, Found, Running, Done).
  void log(std::string_view level, const std::string& message) {
    if (const std::string error = append_runner_log(log_path_, runner_log_line(std::chrono::system_clock::now(), level, message));
        !error.empty() && !log_failed_) {
      log_failed_ = true;
      console_.err << "notifyctl: " << error << '\n';
    }
  }
  /// A line about one script, for runner.log and the console.
  void script(std::string_view level, const std::string& name, const std::string& message) {
    log(level, name + ": " + message);
    console_.out << printable_line(name + ": " + message) << '\n';
  }
  /// An error line about a script followed by the end of its stderr.
  void script_error(const std::string& name, const std::string& message, std::string_view stderr_text) {
    script("ERROR", name, message);
    const auto logged = last_lines(stderr_text, logged_stderr_lines);
    for (std::size_t i = 0; i < logged.size(); ++i) {
      log("ERROR", name + ": stderr: " + logged[i]);
      if (i + printed_stderr_lines >= logged.size()) console_.out << "  | " << logged[i] << '\n';
    }
  }

 private:
  fs::path log_path_;
  Console& console_;
  bool log_failed_ = false;
};

// Whether the caller (this process) can open `path` for reading.
bool readable_by_caller(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) return false;
  ::close(fd);
  return true;
}

// Sends what a script reported; the state file is updated only after the
// daemon accepted it. `unreachable` when the daemon could not be reached.
ExitCode send_result(const Caller& caller, const std::string& name, const notifyd::sdk::CheckResult& result,
                     const ApiClient& client, RunnerReport& report) {
  std::string image_path = result.image_path;
  if (!image_path.empty() && !readable_by_caller(image_path)) {
    // The old runner sent the text alone when the image did not exist.
    report.script("WARNING", name,
                  "`image_path` " + image_path + " cannot be read by " + caller.name + " (it does not exist, or " +
                      caller.name + " may not read it); the image is left out");
    image_path.clear();
  }
  const std::string text = seed_text(result.title, result.message);
  if (text.empty() && image_path.empty()) {
    report.script("WARNING", name, "nothing to send: no `message`, no `title` and no readable image");
    return ExitCode::success;
  }
  const NotificationLabels labels{result.priority, result.tags};
  auto body = image_path.empty() ? send_request_body(caller.name, text, labels)
                                 : send_photo_request_body(caller.name, image_path, text, labels);
  if (const auto* invalid = std::get_if<InvalidInput>(&body)) {
    report.script("ERROR", name, "failed to send notification: " + invalid->message);
    return ExitCode::success;
  }
  const std::string target = image_path.empty() ? "/send" : "/send_photo";
  auto answer = client.send({"POST", target, std::get<std::string>(std::move(body))});
  if (const auto* failure = std::get_if<TransportFailure>(&answer)) {
    report.script("ERROR", name, "failed to send notification: " + failure->message);
    return failure->kind == TransportFailure::Kind::unreachable ? ExitCode::unreachable : ExitCode::success;
  }
  const auto& response = std::get<ApiResponse>(answer);
  if (!response.successful()) {
    report.script("ERROR", name,
                  "failed to send notification: " + describe_refusal(response.status, response.reason, response.body));
    return ExitCode::success;
  }
  report.script("INFO", name, "notification sent");
  const fs::path state = caller.home / runner_state_directory / (name + ".json");
  if (const std::string error = write_last_sent(state, std::time(nullptr)); !error.empty()) {
    report.script("ERROR", name, "the cooldown state was not saved: " + error);
  }
  return ExitCode::success;
}

// Runs one script; `unreachable` when its notification could not reach the
// daemon, `success` otherwise, whatever the script did (the old runner's rule).
ExitCode run_one(const Caller& caller, const fs::path& script, const std::string& interpreter, const ApiClient& client,
                 RunnerReport& report) {
  const std::string name = script.stem().string();
  report.log("INFO", "Running " + name + "...");
  const LocalRun run = run_local_script(interpreter, script.string(), caller.home.string(),
                                        {"MPLCONFIGDIR=/tmp/mpl_" + caller.name, "NOTIFYD_CHECK=" + name,
                                         "NOTIFYD_USER=" + caller.name},
                                        LocalLimits{});
  switch (run.status) {
    case LocalRun::Status::failed_to_start:
      report.script("ERROR", name, "cannot run: " + run.error);
      return ExitCode::success;
    case LocalRun::Status::timed_out:
      report.script_error(name, run.error, run.stderr_tail);
      return ExitCode::success;
    case LocalRun::Status::exited:
      break;
  }
  if (run.exit_code != 0) {
    report.script_error(name,
                        "failed with exit status " + std::to_string(run.exit_code) +
                            (run.error.empty() ? "" : " (" + run.error + ")"),
                        run.stderr_tail);
    return ExitCode::success;
  }
  if (run.output_truncated) {
    report.script_error(
        name, "bad output: stdout is larger than " + std::to_string(notifyd::sdk::max_check_output_bytes) + " bytes",
        run.stderr_tail);
    return ExitCode::success;
  }
  auto read = notifyd::sdk::read_check_output(run.output);
  if (!read) {
    report.script_error(name, "bad output: " + read.error(), run.stderr_tail);
    return ExitCode::success;
  }
  for (const std::string& warning : read->warnings) report.script("WARNING", name, warning);
  const notifyd::sdk::CheckResult& result = read->result;
  if (!result.notify) {
    report.script("INFO", name, "nothing to report");
    return ExitCode::success;
  }
  const auto last_sent = read_last_sent(caller.home / runner_state_directory / (name + ".json"));
  if (const auto left = cooldown_left(last_sent, result.cooldown, std::time(nullptr)); left > 0) {
    report.script("INFO", name, "in cooldown for another " + span(left) + " (cooldown " + span(result.cooldown.count()) + ")");
    return ExitCode::success;
  }
  return send_result(caller, name, result, client, report);
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
  RunnerReport report(caller->home / runner_log_file, console);
  report.log("INFO", "Starting notify-runner for user '" + caller->name + "'");
  report.log("INFO", "Found " + std::to_string(scripts.size()) + " script(s)");
  const std::string interpreter = local_interpreter(caller->home);
  for (const fs::path& script : scripts) {
    if (run_one(*caller, script, interpreter, client, report) == ExitCode::unreachable) outcome = ExitCode::unreachable;
  }
  report.log("INFO", "Done");
  if (scripts.empty() && arguments.names.empty()) {
    console.out << "no scripts in " << printable_line((caller->home / "user" / "notifications").string()) << '\n';
  }
  return outcome;
}

}  // namespace notifyctl
