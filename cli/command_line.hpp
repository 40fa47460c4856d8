#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace notifyctl {

inline constexpr std::string_view default_socket_path = "/run/notifyd/notifyd.sock";
inline constexpr std::chrono::milliseconds default_timeout{30'000};

struct GlobalOptions {
  std::optional<std::string> socket_path;  ///< from --socket; see resolve_socket_path
  bool json_output = false;
  std::chrono::milliseconds timeout = default_timeout;
};

/// `--help`, `help [COMMAND]`: `command` is empty for the general help.
struct HelpRequest {
  std::string command;
};

struct VersionRequest {};

struct SendArguments {
  std::optional<std::string> user;
  std::optional<std::string> title;
  std::optional<std::string> image_path;
  std::optional<std::string> format;  ///< lower case: markdown, markdownv2, html, plain
  std::optional<std::string> source;
  std::string message;              ///< empty when message_from_stdin
  bool message_from_stdin = false;  ///< MESSAGE was `-`
};

struct HistoryArguments {
  std::optional<std::string> user;
  std::optional<std::uint32_t> limit;
  std::optional<std::uint64_t> before_id;
};

struct HealthArguments {};

struct RequestArguments {
  std::string method;               ///< upper case, e.g. POST
  std::string target;               ///< path and query, starts with '/'
  std::optional<std::string> body;  ///< JSON text, validated; empty when body_from_stdin
  bool body_from_stdin = false;     ///< JSON-BODY was `-`
};

using Command = std::variant<HelpRequest, VersionRequest, SendArguments, HistoryArguments, HealthArguments,
                             RequestArguments>;

struct CommandLine {
  GlobalOptions options;
  Command command;
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
