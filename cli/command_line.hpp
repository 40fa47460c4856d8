#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "notifyd/sdk/priority.hpp"

namespace notifyctl {

inline constexpr std::string_view default_socket_path = "/run/notifyd/notifyd.sock";
inline constexpr std::chrono::milliseconds default_timeout{30'000};

struct GlobalOptions {
  std::optional<std::string> socket_path;  ///< from --socket; see resolve_socket_path
  bool json_output = false;
  std::chrono::milliseconds timeout = default_timeout;
  bool timeout_given = false;  ///< --timeout was on the command line
};

/// `--help`, `help [COMMAND]`: `command` is empty for the general help.
struct HelpRequest {
  std::string command;
};

struct VersionRequest {};

/// `--manpage`: notifyctl.1 in roff on stdout.
struct ManpageRequest {};

struct SendArguments {
  std::optional<std::string> user;
  std::optional<std::string> title;
  std::optional<std::string> image_path;
  std::optional<std::string> format;  ///< lower case: markdown, markdownv2, html, plain
  std::optional<std::string> source;
  notifyd::sdk::Priority priority = notifyd::sdk::default_priority;
  std::vector<std::string> tags;    ///< checked; from `--tags a,b`
  std::string message;              ///< empty when message_from_stdin
  bool message_from_stdin = false;  ///< MESSAGE was `-`
};

struct HistoryArguments {
  std::optional<std::string> user;
  std::optional<std::uint32_t> limit;
  std::optional<std::uint64_t> before_id;
  std::optional<notifyd::sdk::Priority> min_priority;
  std::string tag;  ///< checked; empty = any
};

struct HealthArguments {};

struct RequestArguments {
  std::string method;               ///< upper case, e.g. POST
  std::string target;               ///< path and query, starts with '/'
  std::optional<std::string> body;  ///< JSON text, validated; empty when body_from_stdin
  bool body_from_stdin = false;     ///< JSON-BODY was `-`
};

/// `checks`: the checks the daemon knows, with their last and next runs.
struct ChecksArguments {
  std::optional<std::string> user;
};

/// `run [NAME...]`: run checks now, through the daemon or (`--local`) in this process.
struct RunArguments {
  std::vector<std::string> names;  ///< empty = all of the user's checks
  std::optional<std::string> user;
  bool local = false;
};

/// `logs NAME`: a check's recent runs.
struct LogsArguments {
  std::string name;
  std::optional<std::string> user;
  std::optional<std::uint32_t> limit;
};

/// `cron next EXPR`: when a cron expression fires next (computed here, no daemon).
struct CronNextArguments {
  std::string expression;
  std::optional<std::string> zone;  ///< --tz; default: the expression's CRON_TZ=, else the local zone
  std::optional<std::string> from;  ///< --from, ISO-8601; default: now
  std::uint32_t count = 5;          ///< -n
};

/// `desktop-token`: a token for the desktop app (WebSocket channel).
struct DesktopTokenArguments {
  std::optional<std::string> user;  ///< another user's (admins); default: yours
};

/// `queue`: pending deliveries per channel.
struct QueueArguments {};

/// `users`: users linked to Telegram.
struct UsersArguments {};

/// `login`: a one-time sign-in link for the web dashboard.
struct LoginArguments {};

/// `doctor`: checks the installation and says what to fix.
struct DoctorArguments {
  std::optional<std::string> config_path;  ///< --config; default /etc/notifyd/notifyd.toml
};

/// `cluster import` / `cluster export`: moves a single node's data directory
/// into the cluster's PostgreSQL database, or back.
struct ClusterArguments {
  enum class Action { import_data, export_data } action = Action::import_data;
  std::optional<std::string> config_path;  ///< --config; default /etc/notifyd/notifyd.toml
  std::optional<std::string> data_dir;     ///< --data-dir; import: default the config's; export: required
  std::optional<std::string> dsn_file;     ///< --dsn-file; default the config's [cluster] dsn_env / dsn_file
  bool replace = false;                    ///< --replace (import): delete what the database holds first
};

/// `token create|list|revoke`: API tokens for publishing from other machines.
struct TokenArguments {
  enum class Action { create, list, revoke } action = Action::list;
  std::optional<std::string> user;     ///< another user's tokens (admins); default: yours
  std::optional<std::string> name;     ///< create: --name
  std::optional<std::string> expires;  ///< create: --expires, as the daemon reads it (30d, 2027-01-31)
  std::string id;                      ///< revoke: the token's id
};

/// `link CODE`: links the user to the Telegram chat the bot sent CODE to.
struct LinkArguments {
  std::string code;                 ///< six digits
  std::optional<std::string> user;  ///< another user (admins); default: you
};

/// `unlink`: removes the user's Telegram link.
struct UnlinkArguments {
  std::optional<std::string> user;
};

/// `status`: whether the user is linked to Telegram.
struct LinkStatusArguments {
  std::optional<std::string> user;
};

using Command = std::variant<HelpRequest, VersionRequest, ManpageRequest, SendArguments, HistoryArguments, HealthArguments,
                             RequestArguments, ChecksArguments, RunArguments, LogsArguments, CronNextArguments,
                             DesktopTokenArguments, QueueArguments, UsersArguments, DoctorArguments,
                             ClusterArguments, LoginArguments, LinkArguments, UnlinkArguments, LinkStatusArguments,
                             TokenArguments>;

struct CommandLine {
  GlobalOptions options;
  Command command;
  std::string name{};  ///< the command's entry in the command table (help for --help); empty for --version, --manpage
};

/// Why a command line was rejected; `command` names the command whose help applies (may be empty).
struct UsageError {
  std::string message;
  std::string command;
};

/// Parses the arguments after argv[0]. Global options are accepted before and after the command.
std::variant<CommandLine, UsageError> parse_command_line(const std::vector<std::string>& arguments);

/// --socket if given, else $NOTIFYD_SOCKET if set and non-empty, else the default path.
std::string resolve_socket_path(const std::optional<std::string>& from_option, const char* from_environment);

}  // namespace notifyctl
