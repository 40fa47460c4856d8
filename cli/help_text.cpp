#include "help_text.hpp"

namespace notifyctl {
namespace {

constexpr std::string_view general_text = R"(Usage: notifyctl [OPTIONS] COMMAND [ARGS]

Talks to the notifyd daemon over its unix socket.

Commands:
  send MESSAGE                    queue a notification (MESSAGE - reads stdin)
  history                         list recent notifications and their delivery state
  health                          show the daemon's status and per-channel queues
  request METHOD PATH [JSON-BODY] send any request to the socket API
  help [COMMAND]                  show help for a command

Options (before or after the command):
  --socket PATH       the daemon's socket (default: $NOTIFYD_SOCKET,
                      else /run/notifyd/notifyd.sock)
  --json              print the daemon's JSON response instead of text
  --timeout SECONDS   stop waiting for the daemon after SECONDS (default 30)
  -h, --help          show help; notifyctl COMMAND --help for a command
  --version           print the version

Exit status:
  0   the daemon accepted the request
  1   the daemon refused it, or answered something unusable
  2   the daemon could not be reached (no socket, refused, timed out)
  64  usage error: bad arguments, unreadable or too large input
)";

constexpr std::string_view send_text = R"(Usage: notifyctl send [OPTIONS] MESSAGE

Queues a notification and prints its id and the channels it was routed to,
e.g. "queued notification 42 for alice via console, bot".
MESSAGE - reads the message from stdin (at most 1 MiB; trailing newlines
are dropped).

Options:
  --user USER       recipient (default: you; sending to others needs the
                    daemon's admin group)
  --title TEXT      title shown bold above the message
  --image FILE      attach a PNG or JPEG image (at most 10 MiB)
  --format FORMAT   markdown, markdownv2, html or plain (default: the
                    daemon's, Markdown)
  --source NAME     what produced the notification, shown in history

Global options: --socket PATH, --json, --timeout SECONDS (see notifyctl --help).

Examples:
  notifyctl send --title "Backup" "nightly backup finished"
  df -h | notifyctl send --format plain -
  notifyctl send --image chart.png --title "Sales" "today's chart"
)";

constexpr std::string_view history_text = R"(Usage: notifyctl history [OPTIONS]

Lists notifications, newest first, with each channel's delivery state.

Options:
  --user USER   whose notifications (default: yours; others need the
                daemon's admin group)
  --limit N     at most N notifications (default: the daemon's)
  --before ID   only notifications older than ID, to page back

Global options: --socket PATH, --json, --timeout SECONDS (see notifyctl --help).
)";

constexpr std::string_view health_text = R"(Usage: notifyctl health

Shows the daemon's status and, per channel, how many notifications are
pending, in flight, waiting for a retry, delivered and failed since start.

Global options: --socket PATH, --json, --timeout SECONDS (see notifyctl --help).
)";

constexpr std::string_view request_text = R"(Usage: notifyctl request METHOD PATH [JSON-BODY]

Sends one request to any route on the daemon's socket, including routes
that plugins register, and prints the status line and the body (JSON is
pretty-printed; --json prints the body unchanged). JSON-BODY - reads the
body from stdin (at most 1 MiB).

METHOD is one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS; PATH starts
with / and may carry a query string (already URL-encoded).

Global options: --socket PATH, --json, --timeout SECONDS (see notifyctl --help).

Examples:
  notifyctl request GET /v1/health
  notifyctl request POST /api/telegram/verify '{"code":"123456"}'
)";

}  // namespace

std::string_view general_help() { return general_text; }

std::optional<std::string_view> command_help(std::string_view command) {
  if (command == "send") return send_text;
  if (command == "history") return history_text;
  if (command == "health") return health_text;
  if (command == "request") return request_text;
  return std::nullopt;
}

}  // namespace notifyctl
