#include "doctor_report.hpp"

#include <algorithm>
#include <cstdio>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "notifyd/sdk/counted.hpp"
#include "terminal_text.hpp"

namespace notifyctl {
namespace {

constexpr std::uint64_t low_space_bytes = 200ull << 20;
constexpr double low_space_fraction = 0.05;
constexpr std::size_t quoted_output_limit = 160;

std::string_view verdict_name(Verdict verdict) {
  switch (verdict) {
    case Verdict::ok: return "ok";
    case Verdict::warn: return "warn";
    case Verdict::fail: return "fail";
  }
  return "?";
}

DoctorFinding finding(Verdict verdict, std::string subject, std::string detail, std::string fix = {}) {
  return {verdict, std::move(subject), std::move(detail), std::move(fix)};
}

std::string octal_mode(unsigned mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", mode & 07777u);
  return text;
}

std::string size_text(std::uint64_t bytes) {
  char text[32];
  if (bytes >= (1ull << 30)) {
    std::snprintf(text, sizeof text, "%.1f GiB", static_cast<double>(bytes) / (1ull << 30));
  } else {
    std::snprintf(text, sizeof text, "%llu MiB", static_cast<unsigned long long>(bytes >> 20));
  }
  return text;
}

std::vector<std::string_view> non_empty_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") != std::string_view::npos) lines.push_back(line);
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return lines;
}

std::string quoted_line(std::string_view line) { return truncate_characters(printable_line(line), quoted_output_limit); }

std::string who(const std::string& name) { return name.empty() ? std::string("you") : name; }

}  // namespace

std::string doctor_text(const std::vector<DoctorFinding>& findings) {
  std::size_t subject_width = 0;
  for (const auto& f : findings) subject_width = std::max(subject_width, character_count(printable_line(f.subject)));
  std::string text;
  std::size_t failures = 0;
  std::size_t warnings = 0;
  for (const auto& f : findings) {
    const std::string_view verdict = verdict_name(f.verdict);
    const std::string subject = printable_line(f.subject);
    std::string line(verdict);
    line += std::string(6 - verdict.size(), ' ');
    line += subject + std::string(subject_width - std::min(subject_width, character_count(subject)), ' ');
    line += "  " + printable_line(f.detail);
    if (!f.fix.empty()) line += "; fix: " + printable_line(f.fix);
    text += line + '\n';
    if (f.verdict == Verdict::fail) ++failures;
    if (f.verdict == Verdict::warn) ++warnings;
  }
  if (failures == 0 && warnings == 0) return text + "no problems found\n";
  std::string summary;
  if (failures > 0) summary += std::to_string(failures) + (failures == 1 ? " problem" : " problems");
  if (warnings > 0) {
    if (!summary.empty()) summary += ", ";
    summary += std::to_string(warnings) + (warnings == 1 ? " warning" : " warnings");
  }
  return text + summary + '\n';
}

std::string doctor_json(const std::vector<DoctorFinding>& findings) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  const auto string = [&](std::string_view text) {
    writer.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
  };
  writer.StartObject();
  writer.Key("ok");
  writer.Bool(!has_failure(findings));
  writer.Key("checks");
  writer.StartArray();
  for (const auto& f : findings) {
    writer.StartObject();
    writer.Key("verdict");
    string(verdict_name(f.verdict));
    writer.Key("subject");
    string(f.subject);
    writer.Key("detail");
    string(printable_line(f.detail));
    writer.Key("fix");
    string(printable_line(f.fix));
    writer.EndObject();
  }
  writer.EndArray();
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize()) + '\n';
}

bool has_failure(const std::vector<DoctorFinding>& findings) {
  return std::any_of(findings.begin(), findings.end(), [](const DoctorFinding& f) { return f.verdict == Verdict::fail; });
}

DoctorFinding judge_config_file(const ConfigFileFacts& facts) {
  if (!facts.exists && !facts.named && facts.daemon_answers) {
    return finding(Verdict::warn, "config",
                   facts.path + " does not exist and the daemon answering on " + facts.daemon_socket +
                       " does not say which file it runs with",
                   "name its config with --config to check it too");
  }
  if (!facts.exists) {
    return finding(Verdict::fail, "config", facts.path + " does not exist",
                   "copy the default: install -m 0644 /usr/share/doc/notifyd/examples/notifyd.toml " + facts.path +
                       " (or name another file with --config)");
  }
  if (!facts.readable && facts.caller_is_root) {
    return finding(Verdict::fail, "config", "cannot read " + facts.path + ": " + facts.error,
                   "chmod 0644 " + facts.path + " (it holds no secrets)");
  }
  if (!facts.readable) {
    return finding(Verdict::warn, "config", "cannot read " + facts.path + ": " + facts.error,
                   "run notifyctl doctor as root to check the configuration");
  }
  return finding(Verdict::ok, "config",
                 facts.path + " is readable" + (facts.from_daemon ? " (the running daemon's config)" : ""));
}

DoctorFinding judge_config_check(const ConfigCheckFacts& facts) {
  const std::string subject = "check-config";
  if (facts.notifyd_path.empty()) {
    return finding(Verdict::warn, subject, "no notifyd binary next to notifyctl or on PATH; the config was not validated",
                   "run notifyd -c " + facts.config_path + " --check-config where notifyd is installed");
  }
  const std::string command = facts.notifyd_path + " -c " + facts.config_path + " --check-config";
  if (!facts.start_error.empty()) {
    return finding(Verdict::warn, subject, "cannot run " + facts.notifyd_path + ": " + facts.start_error,
                   "run " + command + " yourself");
  }
  if (facts.timed_out) {
    return finding(Verdict::fail, subject, command + " did not finish in time",
                   "run it by hand; a plugin's configure step may hang");
  }
  if (facts.resolved) {
    const auto& mistakes = facts.resolved->mistakes;
    if (facts.resolved->ok) return finding(Verdict::ok, subject, "notifyd accepts " + facts.config_path);
    std::string detail = "notifyd rejects the config";
    if (!mistakes.empty()) detail += ": " + quoted_line(mistakes.front());
    if (mistakes.size() > 1) detail += " (and " + std::to_string(mistakes.size() - 1) + " more)";
    return finding(Verdict::fail, subject, detail,
                   "run " + facts.notifyd_path + " -c " + facts.config_path +
                       " --check-config for every mistake, correct them, then systemctl reload notifyd");
  }
  const std::string output = facts.output + facts.error_output;
  const auto lines = non_empty_lines(output);
  if (facts.exit_status && *facts.exit_status == 0) {
    return finding(Verdict::ok, subject, lines.empty() ? "the config is valid" : quoted_line(lines.back()));
  }
  std::string detail = "notifyd rejects the config";
  if (!lines.empty()) {
    detail += ": " + quoted_line(lines.front());
    if (lines.size() > 2) detail += " (and " + std::to_string(lines.size() - 2) + " more)";
  } else if (facts.exit_status) {
    detail += " (exit status " + std::to_string(*facts.exit_status) + ")";
  }
  return finding(Verdict::fail, subject, detail,
                 "run " + command + " for every mistake, correct them, then systemctl reload notifyd");
}

DoctorFinding judge_socket_file(const SocketFacts& facts) {
  const std::string subject = "socket";
  if (facts.missing) {
    return finding(Verdict::fail, subject, facts.path + " does not exist (notifyd is not running, or uses another path)",
                   "systemctl start notifyd and look at journalctl -u notifyd; or name the socket with --socket or "
                   "NOTIFYD_SOCKET");
  }
  if (!facts.stat_error.empty()) {
    return finding(Verdict::fail, subject, "cannot look at " + facts.path + ": " + facts.stat_error,
                   "its directory must be searchable by everyone (/run/notifyd is 0755)");
  }
  if (!facts.is_socket) {
    return finding(Verdict::fail, subject, facts.path + " is not a socket",
                   "remove it and restart notifyd, or fix the socket plugin's path in notifyd.toml");
  }
  const std::string described =
      facts.path + " (" + facts.owner_name + ":" + facts.group_name + " " + octal_mode(facts.mode) + ")";
  if (facts.caller_may_write) {
    return finding(Verdict::ok, subject, described + " accepts connections from " + who(facts.caller_name));
  }
  const std::string& group = facts.group_name;
  if (facts.caller_in_group_listed && !facts.caller_in_group_now && (facts.mode & 0020u) != 0) {
    return finding(Verdict::fail, subject,
                   described + ": " + who(facts.caller_name) + " joined group " + group + " after logging in",
                   "log out and back in (or run: newgrp " + group + ")");
  }
  if ((facts.mode & 0020u) != 0 && (group == "root" || group.empty())) {
    return finding(Verdict::fail, subject, "permission denied: " + described + " is open to group root only",
                   "set group = \"notifyd\" in the socket plugin of notifyd.toml, systemctl reload notifyd, and add "
                   "the users to that group");
  }
  if ((facts.mode & 0020u) != 0) {
    return finding(Verdict::fail, subject,
                   "permission denied: " + described + " and " + who(facts.caller_name) + " is not in group " + group,
                   "sudo usermod -aG " + group + " " + (facts.caller_name.empty() ? "USER" : facts.caller_name) +
                       ", then log in again");
  }
  return finding(Verdict::fail, subject, "permission denied: " + described + " is closed to its group",
                 "set mode = \"0660\" and group = \"notifyd\" in the socket plugin of notifyd.toml, then systemctl "
                 "reload notifyd");
}

DoctorFinding judge_socket_connection(const std::string& socket_path, const ConnectionFacts& facts) {
  const std::string subject = "daemon";
  if (!facts.answered) {
    return finding(Verdict::fail, subject, "no answer on " + socket_path + ": " + facts.error,
                   "systemctl status notifyd; journalctl -u notifyd -n 50");
  }
  if (facts.status != 200) {
    return finding(Verdict::warn, subject, "GET /v1/health answered HTTP " + std::to_string(facts.status),
                   "journalctl -u notifyd -n 50");
  }
  return finding(Verdict::ok, subject, "notifyd answers on " + socket_path);
}

DoctorFinding judge_data_dir(const DataDirFacts& facts) {
  const std::string subject = "data dir";
  if (facts.missing) {
    return finding(Verdict::fail, subject, facts.path + " does not exist",
                   "systemd creates it when notifyd starts (StateDirectory=); by hand: install -d -m 0750 -g notifyd " +
                       facts.path);
  }
  if (!facts.stat_error.empty()) {
    if (!facts.caller_is_root) {
      return finding(Verdict::warn, subject, "cannot look at " + facts.path + ": " + facts.stat_error,
                     "run notifyctl doctor as root to check it");
    }
    return finding(Verdict::fail, subject, "cannot look at " + facts.path + ": " + facts.stat_error);
  }
  if (!facts.is_directory) {
    return finding(Verdict::fail, subject, facts.path + " is not a directory",
                   "move it away; notifyd keeps notifyd.db and the link files in this directory");
  }
  if (facts.read_only_file_system) {
    return finding(Verdict::fail, subject, facts.path + " is on a read-only file system",
                   "remount it read-write, or set [daemon] data_dir to a writable place");
  }
  if (facts.caller_is_root && !facts.writable_by_caller) {
    return finding(Verdict::fail, subject, facts.path + " is not writable by root (the daemon's user)",
                   "check its mount options and lsattr " + facts.path);
  }
  if ((facts.mode & 0002u) != 0) {
    return finding(Verdict::warn, subject, facts.path + " is writable by everyone (" + octal_mode(facts.mode) + ")",
                   "chmod 0750 " + facts.path + "; it holds every user's notifications");
  }
  const bool low_space = (facts.free_bytes && *facts.free_bytes < low_space_bytes) ||
                         (facts.free_fraction && *facts.free_fraction < low_space_fraction);
  const std::string free_text = facts.free_bytes ? size_text(*facts.free_bytes) + " free" : std::string("free space unknown");
  if (low_space) {
    return finding(Verdict::warn, subject, facts.path + ": only " + free_text,
                   "free space on its file system; a full disk stops notifyd from accepting notifications");
  }
  const std::string owner = facts.owner_name.empty() ? std::string() : facts.owner_name + " ";
  if (!facts.caller_is_root) {
    return finding(Verdict::ok, subject,
                   facts.path + " exists (" + owner + octal_mode(facts.mode) + "), " + free_text +
                       "; run as root to check that the daemon can write it");
  }
  return finding(Verdict::ok, subject, facts.path + " is writable (" + owner + octal_mode(facts.mode) + "), " + free_text);
}

DoctorFinding judge_telegram_token(const TokenFacts& facts) {
  const std::string subject = "telegram:" + facts.instance;
  const std::string restart = "systemctl restart notifyd";
  if (!facts.token_file.empty()) {
    switch (facts.state) {
      case TokenFacts::State::present: return finding(Verdict::ok, subject, "bot token in " + facts.token_file);
      case TokenFacts::State::unreadable:
        return finding(Verdict::warn, subject, "cannot read token_file " + facts.token_file + ": " + facts.error,
                       "run notifyctl doctor as root to check the token");
      case TokenFacts::State::empty:
      case TokenFacts::State::absent:
        return finding(Verdict::fail, subject, "token_file " + facts.token_file + " is missing or empty: the bot is off",
                       "put the token from @BotFather in " + facts.token_file + " (mode 0600), then " + restart);
    }
  }
  if (facts.token_env.empty()) {
    return finding(Verdict::fail, subject, "neither token_env nor token_file is set: the bot is off",
                   "add token_env = \"TELEGRAM_BOT_TOKEN\" to its [[plugin]] table");
  }
  const std::string where = facts.env_file.empty() ? std::string("the environment") : facts.env_file;
  switch (facts.state) {
    case TokenFacts::State::present:
      return finding(Verdict::ok, subject, "bot token set (" + facts.token_env + " in " + where + ")");
    case TokenFacts::State::unreadable:
      return finding(Verdict::warn, subject, "cannot read " + where + ": " + facts.error,
                     "run notifyctl doctor as root to check the token");
    case TokenFacts::State::empty:
      return finding(Verdict::fail, subject, facts.token_env + " is empty in " + where + ": the bot is off",
                     "put the token from @BotFather there (" + facts.token_env + "=123456:ABC...), then " + restart);
    case TokenFacts::State::absent:
      return finding(Verdict::fail, subject, facts.token_env + " is not set in " + where + ": the bot is off",
                     "add " + facts.token_env + "=<token from @BotFather> to " + where + " (mode 0600), then " +
                         restart);
  }
  return finding(Verdict::warn, subject, "token state unknown");
}

DoctorFinding judge_postgres(const PostgresFacts& facts) {
  const std::string subject = "postgres";
  if (!facts.dsn_error.empty()) {
    return finding(Verdict::fail, subject, "no connection string: " + facts.dsn_error,
                   "set [cluster] dsn_env (in notifyd.env) or dsn_file to the libpq connection string");
  }
  if (!facts.connected) {
    return finding(Verdict::fail, subject, facts.error,
                   "check that PostgreSQL runs and accepts this connection string (host, port, dbname, user, "
                   "password)");
  }
  const std::string expected = std::to_string(facts.expected_version);
  if (facts.version > facts.expected_version) {
    return finding(Verdict::fail, subject,
                   "the database's notifyd schema is version " + std::to_string(facts.version) +
                       ", newer than this notifyd's " + expected + ": notifyd refuses to start on it",
                   "upgrade notifyd to the version the other replicas run");
  }
  if (facts.version == 0) {
    return finding(Verdict::ok, subject, "connected; no notifyd tables yet (notifyd creates schema " + expected +
                                             " when it starts)");
  }
  if (facts.version < facts.expected_version) {
    return finding(Verdict::ok, subject,
                   "connected; schema version " + std::to_string(facts.version) + ", older than this notifyd's " +
                       expected + ": notifyd migrates it when it starts");
  }
  return finding(Verdict::ok, subject, "connected; schema version " + expected);
}

namespace {

// For a channel that is off: its secret that is not where the daemon looks for it.
std::optional<DoctorFinding> missing_secret(const std::string& subject, const std::string& off_detail,
                                            const std::string& instance, const std::vector<TokenFacts>& secrets) {
  for (const TokenFacts& secret : secrets) {
    if (secret.instance != instance || secret.state == TokenFacts::State::present) continue;
    const std::string restart = ", then systemctl restart notifyd";
    if (secret.token_env.empty() && secret.token_file.empty()) {
      return finding(Verdict::warn, subject, off_detail + "; its " + secret.secret + " is not configured",
                     "add " + secret.secret + "_env = \"VARIABLE\" to its [[plugin]] table and VARIABLE=<" +
                         secret.secret + "> to notifyd.env (mode 0600)" + restart);
    }
    if (!secret.token_file.empty()) {
      return finding(Verdict::warn, subject,
                     off_detail + "; " + secret.secret + "_file " + secret.token_file + " is missing or empty",
                     "put the " + secret.secret + " in " + secret.token_file + " (mode 0600)" + restart);
    }
    if (secret.state == TokenFacts::State::unreadable) {
      return finding(Verdict::warn, subject, off_detail + "; cannot read " + secret.env_file + ": " + secret.error,
                     "run notifyctl doctor as root to check its " + secret.secret);
    }
    const std::string where = secret.env_file.empty() ? std::string("the environment") : secret.env_file;
    return finding(Verdict::warn, subject,
                   off_detail + "; the secret " + secret.token_env + " is " +
                       (secret.state == TokenFacts::State::empty ? "empty" : "not set") + " in " + where,
                   "add " + secret.token_env + "=<" + secret.secret + "> to " + where + " (mode 0600)" + restart);
  }
  return std::nullopt;
}

}  // namespace

std::vector<DoctorFinding> judge_channels(const HealthReport& report,
                                          const std::vector<std::string>& telegram_instances,
                                          const std::vector<TokenFacts>& secrets) {
  std::vector<DoctorFinding> findings;
  if (!report.status.empty() && report.status != "ok") {
    findings.push_back(finding(Verdict::warn, "daemon", "reports status \"" + report.status + "\"",
                               "journalctl -u notifyd -n 50"));
  }
  const auto is_telegram = [&](const std::string& name) {
    return std::find(telegram_instances.begin(), telegram_instances.end(), name) != telegram_instances.end();
  };
  for (const notifyd::sdk::ChannelHealth& counts : report.channels) {
    const bool telegram = is_telegram(counts.channel);
    const std::string subject = (telegram ? "telegram:" : "channel:") + counts.channel;
    const std::string last_error = counts.last_error.empty() ? "" : "; last error: " + counts.last_error;
    const std::string& state = counts.state;
    const std::uint64_t retrying = counts.retrying;
    const std::uint64_t failed = counts.failed;
    const std::string unreachable_fix =
        telegram ? "can this host reach api.telegram.org:443 (proxy, firewall, DNS)? is the token valid? "
                   "journalctl -u notifyd | grep " + counts.channel
                 : "journalctl -u notifyd | grep " + counts.channel;
    if (state == "off" && telegram) {
      continue;  // the bot token finding already says why and how to fix it
    }
    if (state == "off") {
      const std::string off_detail = "off" + (counts.last_error.empty() ? std::string() : ": " + counts.last_error);
      if (auto secret = missing_secret(subject, off_detail, counts.channel, secrets)) {
        findings.push_back(std::move(*secret));
        continue;
      }
      findings.push_back(finding(Verdict::warn, subject, off_detail,
                                 "set it up in its [[plugin]] section of notifyd.toml, or remove the section"));
    } else if (state == "down" || state == "error") {
      findings.push_back(finding(Verdict::warn, subject, "state " + state + last_error, unreachable_fix));
    } else if (retrying > 0) {
      findings.push_back(finding(Verdict::warn, subject,
                                 notifyd::sdk::counted(retrying, "delivery", "deliveries") + " waiting for a retry" +
                                     last_error,
                                 unreachable_fix));
    } else if (failed > 0) {
      findings.push_back(finding(Verdict::warn, subject,
                                 notifyd::sdk::counted(failed, "delivery", "deliveries") +
                                     " failed since the daemon started" + last_error,
                                 "notifyctl history --user USER shows why"));
    } else {
      findings.push_back(finding(Verdict::ok, subject,
                                 std::to_string(counts.delivered) + " delivered, " +
                                     std::to_string(counts.pending) + " pending" +
                                     (state.empty() ? std::string() : ", state " + state)));
    }
  }
  for (const std::string& instance : telegram_instances) {
    const bool reported = std::any_of(report.channels.begin(), report.channels.end(),
                                      [&](const notifyd::sdk::ChannelHealth& counts) { return counts.channel == instance; });
    if (!reported) {
      findings.push_back(finding(Verdict::fail, "telegram:" + instance,
                                 "not among the daemon's channels: the bot is off (no token?) or failed to start",
                                 "journalctl -u notifyd -b | grep " + instance));
    }
  }
  return findings;
}

}  // namespace notifyctl
