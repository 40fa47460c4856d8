#include "command_table.hpp"

#include <algorithm>

#include "cluster_commands.hpp"
#include "commands.hpp"
#include "help_text.hpp"
#include "operator_commands.hpp"
#include "telegram_commands.hpp"
#include "token_commands.hpp"

namespace notifyctl {
namespace {

// Help on a command, or (empty, or "help" itself) the general help.
ParsedCommand parse_help(const CollectedArguments& collected) {
  if (collected.positionals.size() > 1) return UsageError{"help takes at most one COMMAND", ""};
  const std::string topic = collected.positionals.empty() ? std::string() : collected.positionals.front();
  if (topic.empty() || topic == "help") return HelpRequest{};
  if (find_command(topic) == nullptr) return UsageError{"unknown command '" + topic + "'", ""};
  return HelpRequest{topic};
}

ExitCode run_help(const Command& command, const CommandContext& c) {
  const std::string& topic = std::get<HelpRequest>(command).command;
  const auto help = topic.empty() ? std::nullopt : command_help(topic);
  if (help) {
    c.console.out << *help;
  } else {
    c.console.out << general_help();
  }
  return ExitCode::success;
}

const std::vector<CommandSpec> commands{
    {"send", "MESSAGE", "queue a notification (MESSAGE - reads stdin)",
     {{"--user", true},
      {"--title", true},
      {"--image", true},
      {"--format", true},
      {"--source", true},
      {"--priority", true},
      {"--tags", true}},
     parse_send,
     [](const Command& command, const CommandContext& c) {
       return run_send(std::get<SendArguments>(command), c.options, c.client, c.console);
     },
     R"(Usage: notifyctl send [OPTIONS] MESSAGE

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
  --priority P      1-5 or min, low, default, high, urgent (max); default 3.
                    Telegram sends min and low silently; urgent passes /mute
  --tags LIST       comma-separated tags, e.g. backup,nightly (at most 10,
                    each up to 64 bytes); Telegram shows them as hashtags

Global options: --socket PATH, --json, --timeout SECONDS (see notifyctl --help).

Examples:
  notifyctl send --title "Backup" "nightly backup finished"
  notifyctl send --priority urgent --tags disk,prod "disk 99% full"
  df -h | notifyctl send --format plain -
  notifyctl send --image chart.png --title "Sales" "today's chart"
)"},
    {"history", "", "list recent notifications and their delivery state",
     {{"--user", true}, {"--limit", true}, {"--before", true}, {"--min-priority", true}, {"--tag", true}},
     parse_history,
     [](const Command& command, const CommandContext& c) {
       return run_history(std::get<HistoryArguments>(command), c.options, c.client, c.console);
     },
     R"(Usage: notifyctl history [OPTIONS]

Lists notifications, newest first, with each channel's delivery state.

Options:
  --user USER   whose notifications (default: yours; others need the
                daemon's admin group)
  --limit N     at most N notifications (default: the daemon's)
  --before ID   only notifications older than ID, to page back
  --min-priority P
                only notifications of priority P or higher (1-5 or min,
                low, default, high, urgent)
  --tag TAG     only notifications carrying TAG (exact match)

Global options: --socket PATH, --json, --timeout SECONDS (see notifyctl --help).
)"},
    {"health", "", "show the daemon's status and per-channel queues",
     {},
     parse_health,
     [](const Command& command, const CommandContext& c) {
       return run_health(c.options, c.client, c.console);
     },
     R"(Usage: notifyctl health

Shows the daemon's status and, per channel, how many notifications are
pending, in flight, waiting for a retry, delivered and failed since start.

Global options: --socket PATH, --json, --timeout SECONDS (see notifyctl --help).
)"},
    {"request", "METHOD PATH [JSON-BODY]", "send any request to the socket API",
     {},
     parse_request,
     [](const Command& command, const CommandContext& c) {
       return run_request(std::get<RequestArguments>(command), c.options, c.client, c.console);
     },
     R"(Usage: notifyctl request METHOD PATH [JSON-BODY]

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
)"},
    {"checks", "", "list your checks with their last and next runs",
     {{"--user", true}},
     parse_checks,
     [](const Command& command, const CommandContext& c) {
       return run_checks(std::get<ChecksArguments>(command), c.options, c.client, c.console);
     },
     R"TEXT(Usage: notifyctl checks [--user USER]

Lists the checks notifyd runs for you (your ~/user/notifications/*.py
scripts and native checks): when each last ran and with what outcome, and
when it runs next.

Outcomes: notified, quiet (nothing to report), cooldown (suppressed),
timeout, bad_output, failed, refused (unsafe script), skipped (was running).

Options:
  --user USER   whose checks (others need the daemon's admin group)

Global options: --socket PATH, --json, --timeout SECONDS (see notifyctl --help).
)TEXT"},
    {"run", "[NAME...]", "run checks now (--local: in this process, for crontab)",
     {{"--user", true}, {"--local", false}},
     parse_run,
     [](const Command& command, const CommandContext& c) {
       return run_run(std::get<RunArguments>(command), c.options, c.client, c.console);
     },
     R"TEXT(Usage: notifyctl run [--user USER] [NAME...]
       notifyctl run --local [NAME...]

Runs the named checks now, through the daemon, and prints what each did,
e.g. "revenue_drop: notified (notification 42)"; without NAME, all of your
checks. The daemon runs a script as its owner, exactly as on schedule. Waits
for the runs (15 minutes unless --timeout is given).

--local runs your own ~/user/notifications/*.py in this process, as you,
the way the old notify-runner did, and is its drop-in in a crontab:
  */5 * * * * notifyctl run --local >> ~/.notifications/logs/cron.log 2>&1
Each script gets 60 s (then its process group is stopped) and uses
~/.venv/bin/python when present. A notification goes out through the
socket's /send (or /send_photo with image_path) unless the script's
cooldown since ~/.notifications/state/NAME.json has not passed; that file is
updated after each send. The text is the old runner's "*title*" and message
joined by one newline. ~/.notifications/logs/runner.log gets the old
runner's lines ("2026-12-07 00:04:16,128 [notify-runner] INFO: NAME:
notification sent"), with a WARNING line for each thing a script should tidy.

Exit status: 0 all ran fine; 1 one failed, was refused, timed out or printed
bad output (or a send was refused); 2 the daemon could not be reached.
With --local, as the old runner: 0 once every script ran, whatever it did;
1 a NAME has no script; 2 the daemon could not be reached for a send.

Options:
  --user USER   whose checks (others need the daemon's admin group)
  --local       run your scripts in this process instead of in the daemon

Global options: --socket PATH, --json, --timeout SECONDS (see notifyctl --help).
)TEXT"},
    {"logs", "NAME", "show a check's recent runs with their stderr",
     {{"--user", true}, {"--limit", true}},
     parse_logs,
     [](const Command& command, const CommandContext& c) {
       return run_logs(std::get<LogsArguments>(command), c.options, c.client, c.console);
     },
     R"TEXT(Usage: notifyctl logs [--user USER] [--limit N] NAME

Shows the recent runs of check NAME, newest first: when, why (schedule,
manual, ...), outcome, exit status, duration, what went wrong, and the
end of the script's stderr.

Options:
  --user USER   whose check (others need the daemon's admin group)
  --limit N     at most N runs (1 to 500; default: the daemon's, 20)

Global options: --socket PATH, --json, --timeout SECONDS (see notifyctl --help).
)TEXT"},
    {"cron", "next EXPR", "print when a cron expression fires next",
     {{"--tz", true}, {"--from", true}, {"-n", true}},
     parse_cron,
     [](const Command& command, const CommandContext& c) {
       return run_cron_next(std::get<CronNextArguments>(command), c.console);
     },
     R"(Usage: notifyctl cron next EXPR [--tz ZONE] [--from TIME] [-n N]

Prints the next N (default 5) times the cron expression EXPR fires, as
ISO-8601 UTC instants, one per line. Computed here; the daemon is not asked.

EXPR is five fields (minute hour day-of-month month day-of-week) with
numbers, names (JAN-DEC, SUN-SAT), ranges, steps and lists; or @hourly,
@daily, @midnight, @weekly, @monthly, @yearly, @annually or @every 5m.
Day of month and day of week match with OR when both are restricted.
A CRON_TZ=Zone prefix sets the expression's zone. Quote EXPR.

Options:
  --tz ZONE     IANA zone the fields are read in, e.g. Europe/Berlin
                (default: the expression's CRON_TZ=, else $TZ, else
                /etc/localtime)
  --from TIME   count from TIME (default: now): 2026-03-29T01:00:00Z,
                2026-03-29T03:00+02:00, or a wall time in the zone such as
                2026-03-29T02:30
  -n N          how many times to print, 1-1000

An invalid expression exits with status 64 and says which field is wrong,
e.g. field 3 (day of month) "32" at column 7: value out of range 1-31.

Examples:
  notifyctl cron next '0 9 * * MON-FRI' --tz Europe/Berlin
  notifyctl cron next '30 2 * * *' --tz Europe/Berlin --from 2026-03-28 -n 2
)"},
    {"desktop-token", "", "create a token for the desktop app",
     {{"--user", true}},
     parse_desktop_token,
     [](const Command& command, const CommandContext& c) {
       return run_desktop_token(std::get<DesktopTokenArguments>(command), c.options, c.client, c.console);
     },
     R"(Usage: notifyctl desktop-token [OPTIONS]

Creates a token the desktop app signs in with and prints it with the
server address the app connects to and the token's expiry. Anyone holding
the token receives your notifications until it expires: keep it private.

Options:
  --user USER   whose token (default: yours; others need the daemon's
                admin group)

Global options: --socket PATH, --json, --timeout SECONDS (see notifyctl --help).
)"},
    {"queue", "", "show deliveries still waiting, per channel",
     {},
     parse_queue,
     [](const Command& command, const CommandContext& c) {
       return run_queue(c.options, c.client, c.console);
     },
     R"(Usage: notifyctl queue

Shows, per channel, the deliveries still to be made: pending (every one
not yet made), and of those how many are in flight and how many wait for
a retry, with the failures since the daemon started; and the total. A
queue that keeps growing means a channel cannot deliver:
run notifyctl doctor.

Global options: --socket PATH, --json, --timeout SECONDS (see notifyctl --help).
)"},
    {"users", "", "list users linked to Telegram (admins)",
     {},
     parse_users,
     [](const Command& command, const CommandContext& c) {
       return run_users(c.options, c.client, c.console);
     },
     R"(Usage: notifyctl users

Lists the users linked to Telegram: user name, chat id, when they linked,
and whether the bot still reaches them ("blocked" once a user blocked the
bot). Needs root or the daemon's admin_group.

Global options: --socket PATH, --json, --timeout SECONDS (see notifyctl --help).
)"},
    {"doctor", "", "check the installation and say what to fix",
     {{"--config", true}},
     parse_doctor,
     [](const Command& command, const CommandContext& c) {
       return run_doctor(std::get<DoctorArguments>(command), c.options, c.socket_from_environment, c.console);
     },
     R"(Usage: notifyctl doctor [--config FILE]

Checks the installation, one line per check, "ok", "warn" or "fail" with
what to fix:
  config        FILE exists and is readable
  check-config  notifyd -c FILE --check-config accepts it (the notifyd
                beside notifyctl, else the one on PATH)
  socket        the socket exists and you may connect (mode, group, and
                whether you joined the group after logging in)
  data dir      [daemon] data_dir exists, is writable, has free space
  postgres      with [cluster] backend = "postgres": notifyd's database
                answers, and its schema version against this notifyd's
                (older: migrated when notifyd starts; newer: upgrade
                notifyd). The connection string is never printed.
  telegram:*    each bot has its token (in notifyd.env beside FILE)
  daemon        notifyd answers on the socket
  channel:*     each channel delivers (nothing retrying or failing)
Run it as root to see everything; as a user it checks what you can see.
Exit status 1 if any check fails.

Options:
  --config FILE   the daemon's config (default /etc/notifyd/notifyd.toml); its
                  socket is used unless --socket or NOTIFYD_SOCKET names one

Global options: --socket PATH, --json, --timeout SECONDS (see notifyctl --help).
)"},
    {"cluster", "import|export", "move a data directory into PostgreSQL, or back",
     {{"--config", true}, {"--data-dir", true}, {"--dsn-file", true}, {"--replace", false}},
     parse_cluster,
     [](const Command& command, const CommandContext& c) {
       return run_cluster(std::get<ClusterArguments>(command), c.options, c.console);
     },
     R"TEXT(Usage: notifyctl cluster import [--config FILE] [--data-dir DIR] [--dsn-file FILE]
                                [--replace]
       notifyctl cluster export --data-dir NEWDIR [--config FILE]
                                [--dsn-file FILE]

Moves a single node's data to the PostgreSQL database of [cluster]
backend = "postgres", or back to one node. Run it as the daemon's user or
root, with notifyd stopped.

import copies DIR (default: the config's [daemon] data_dir) into the
database, in one transaction (a failure copies nothing): the history
(notifications with their images, deliveries, attempts, check runs) with
the same ids, and every document file the plugins keep in DIR (Telegram
links and pending codes, bot and cron state, cooldowns, the desktop
ledger, the dashboard's sign-in state, ...) byte for byte under its
relative name. Not copied: notifyd.db's -wal/-shm (their content is read
through notifyd.db), the images directory (images go into the database),
*.lock files and the temp files of interrupted writes. Creates or
migrates notifyd's tables first. Refused while a notifyd uses DIR, and
when the database already holds notifications, runs or documents unless
--replace deletes them first.

export writes the database into NEWDIR (created; refused unless empty): a
notifyd.db the daemon opens as it is, the images, and every document as
a file, with [daemon] file_mode and file_group. Point [daemon] data_dir at
NEWDIR and set [cluster] backend = "local" to run on one node again.

Both print what they copied (--json: as one object). The connection string
comes from --dsn-file FILE, else the config's [cluster] dsn_file, or its
dsn_env from this environment or notifyd.env beside FILE; it is never
printed.

Exit status: 0 copied; 1 refused or failed (nothing copied); 2 PostgreSQL
could not be reached; 64 a missing or wrong option or config.

Options:
  --config FILE     the daemon's config (default /etc/notifyd/notifyd.toml)
  --data-dir DIR    import: the data directory (default: the config's);
                    export: the new data directory (required)
  --dsn-file FILE   a file holding the libpq connection string
  --replace         import: delete the database's notifications, runs and
                    documents first

Examples:
  systemctl stop notifyd
  notifyctl cluster import --config /etc/notifyd/notifyd.toml
  notifyctl cluster export --data-dir /var/lib/notifyd.local
)TEXT"},
    {"login", "", "print a one-time sign-in link for the web dashboard",
     {},
     parse_login,
     [](const Command& command, const CommandContext& c) {
       return run_login(c.options, c.client, c.console);
     },
     R"(Usage: notifyctl login

Prints a link that signs you in to the web dashboard as yourself (the user
running notifyctl). Open it in your browser: it works once and expires after
2 minutes. Needs a webui plugin with auth = "link".

Global options: --socket PATH, --json, --timeout SECONDS (see notifyctl --help).
)"},
    {"token", "create|list|revoke", "API tokens for publishing from other machines over HTTP(S)",
     {{"--user", true}, {"--name", true}, {"--expires", true}},
     parse_token,
     [](const Command& command, const CommandContext& c) {
       return run_token(std::get<TokenArguments>(command), c.options, c.client, c.console);
     },
     R"(Usage: notifyctl token create [--name LABEL] [--expires WHEN] [--user USER]
       notifyctl token list [--user USER]
       notifyctl token revoke [--user USER] ID

API tokens let a program on another machine (a CI job, a cron job on
another host) send you notifications through the web dashboard's address:

  curl -H "Authorization: Bearer TOKEN" -d "backup failed" https://HOST/v1/notify

A token sends only to its owner. create prints the token once (notifyd
keeps only a digest of it); list shows your tokens' ids, names and
expiry; revoke ID makes a token useless at once, on every replica. Needs a
webui plugin.

Options:
  --name LABEL    create: a label to tell tokens apart (e.g. ci-runner)
  --expires WHEN  create: a duration (30d, 12h), a date (2027-01-31: valid
                  through that day, UTC), an ISO-8601 time, or never
                  (the default)
  --user USER     another user's tokens (the daemon's admin group only)

Global options: --socket PATH, --json, --timeout SECONDS (see notifyctl --help).
)"},
    {"link", "CODE", "link your Telegram chat (CODE: the bot's answer to /start)",
     {{"--user", true}},
     parse_telegram_link,
     [](const Command& command, const CommandContext& c) {
       return run_link(std::get<LinkArguments>(command), c.options, c.client, c.console);
     },
     R"(Usage: notifyctl link [--user USER] CODE

Links you to a Telegram chat: send /start to the bot, which answers with a
6-digit code (valid 10 minutes, single use), then run notifyctl link CODE.
The bot confirms in the chat. After 5 wrong codes in 10 minutes the daemon
refuses further attempts for a while.

Options:
  --user USER   link another user (the daemon's admin group only)

Global options: --socket PATH, --json, --timeout SECONDS (see notifyctl --help).
)"},
    {"unlink", "", "remove your Telegram link",
     {{"--user", true}},
     parse_telegram_link,
     [](const Command& command, const CommandContext& c) {
       return run_unlink(std::get<UnlinkArguments>(command), c.options, c.client, c.console);
     },
     R"(Usage: notifyctl unlink [--user USER]

Removes your Telegram link; succeeds when there was none. The bot says so in
the chat.

Options:
  --user USER   unlink another user (the daemon's admin group only)

Global options: --socket PATH, --json, --timeout SECONDS (see notifyctl --help).
)"},
    {"status", "", "say whether you are linked to Telegram",
     {{"--user", true}},
     parse_telegram_link,
     [](const Command& command, const CommandContext& c) {
       return run_link_status(std::get<LinkStatusArguments>(command), c.options, c.client, c.console);
     },
     R"(Usage: notifyctl status [--user USER]

Says whether you are linked to Telegram, since when, and whether the bot can
reach you (not when you blocked it) or you muted it with /mute.

Options:
  --user USER   another user's link (the daemon's admin group only)

Global options: --socket PATH, --json, --timeout SECONDS (see notifyctl --help).
)"},
    {"help", "[COMMAND]", "show help for a command", {}, parse_help, run_help,
     R"(Usage: notifyctl help [COMMAND]

Shows the help of COMMAND, or without one the list of commands.
)"},
};

}  // namespace

const std::vector<CommandSpec>& command_table() { return commands; }

const CommandSpec* find_command(std::string_view name) {
  const auto found =
      std::find_if(commands.begin(), commands.end(), [&](const CommandSpec& c) { return c.name == name; });
  return found == commands.end() ? nullptr : &*found;
}

const CommandOption* CommandSpec::option(std::string_view option_name) const {
  const auto found =
      std::find_if(options.begin(), options.end(), [&](const CommandOption& o) { return o.name == option_name; });
  return found == options.end() ? nullptr : &*found;
}

}  // namespace notifyctl
