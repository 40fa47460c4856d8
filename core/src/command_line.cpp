#include "command_line.hpp"

#include <array>

#include "roff.hpp"

namespace notifyd::core {
namespace {

constexpr std::string_view summary = "the notification daemon: runs checks and delivers their alerts";

constexpr std::array options{
    CommandOption{"-c, --config", "FILE", "config file (default /etc/notifyd/notifyd.toml)"},
    CommandOption{"--check-config", "", "validate the config and its plugins, print every mistake, exit 0 or 1"},
    CommandOption{"--json", "",
                  "with --check-config: one JSON line with the mistakes and the resolved values (data_dir, every "
                  "plugin's paths and where its secrets come from)"},
    CommandOption{"--describe-plugins", "",
                  "print the config keys of the host and of every plugin and check library in plugin_dir (from -c "
                  "FILE, else the plugins installed with this notifyd)"},
    CommandOption{"--manpage", "",
                  "print the manual page notifyd(8) in roff; with --describe-plugins, notifyd.toml(5) instead"},
    CommandOption{"--version", "", "print the version and the toolchain id plugins must match"},
    CommandOption{"-h, --help", "", "print this help"},
};

// Where each option's name ends and its argument starts, as `--help` aligns them.
constexpr std::size_t help_column = 24;

}  // namespace

std::span<const CommandOption> command_options() { return options; }

std::string usage_text() {
  std::string out = "usage: notifyd [-c FILE] [--check-config [--json]] [--describe-plugins] [--manpage] [--version]\n\n";
  for (const auto& option : options) {
    std::string left = "  " + std::string(option.names);
    if (!option.argument.empty()) left += " " + std::string(option.argument);
    left.resize(std::max(left.size() + 2, help_column), ' ');
    out += left + std::string(option.help) + "\n";
  }
  return out;
}

std::string manpage(std::string_view version) {
  std::string out = roff_title("notifyd", "8", version, "System Administration");
  out += ".SH NAME\nnotifyd \\- " + roff_escape(summary) + "\n.SH SYNOPSIS\n.B notifyd\n";
  for (const auto& option : options) {
    const std::string_view name = option.names.substr(option.names.rfind(' ') + 1);
    out += "[\\fB" + roff_escape(name) + "\\fR";
    if (!option.argument.empty()) out += " \\fI" + roff_escape(option.argument) + "\\fR";
    out += "]\n";
  }
  out +=
      ".SH DESCRIPTION\n"
      ".B notifyd\n"
      "runs users' check scripts and native checks, and delivers the notifications they produce to Telegram, to a "
      "desktop app over WebSocket, to a web dashboard and to programs on the host through a unix\\-socket HTTP API. "
      "Everything except the host is a plugin loaded from\n.IR plugin_dir ;\n"
      "the configuration is described in\n.BR notifyd.toml (5).\n"
      "It is normally run by systemd as the unit notifyd.service; secrets come from\n"
      ".IR /etc/notifyd/notifyd.env .\n"
      ".SH OPTIONS\n";
  for (const auto& option : options) {
    out += ".TP\n.B " + roff_escape(option.names);
    if (!option.argument.empty()) out += " \\fI" + roff_escape(option.argument) + "\\fR";
    out += "\n" + roff_escape(option.help) + "\n";
  }
  out +=
      ".SH SIGNALS\n"
      ".TP\n.B SIGHUP\nre\\-read the config file (a file with mistakes is logged and the running configuration "
      "kept) and reopen the log file\n"
      ".TP\n.BR SIGTERM \", \" SIGINT\nstop: refuse new work, let deliveries in progress finish, stop the "
      "scripts that run\n"
      ".SH \"EXIT STATUS\"\n0 after a clean stop or a valid\n.BR \\-\\-check\\-config ;\n"
      "1 when the config has mistakes or a plugin fails; 64 for an unknown argument.\n"
      ".SH FILES\n"
      ".TP\n.I /etc/notifyd/notifyd.toml\nthe configuration\n"
      ".TP\n.I /etc/notifyd/notifyd.env\nsecrets for the service, such as TELEGRAM_BOT_TOKEN\n"
      ".TP\n.I /var/lib/notifyd\nthe notification store, images and the users' link files\n"
      ".TP\n.I /run/notifyd/notifyd.sock\nthe unix\\-socket API that\n.BR notifyctl (1)\nuses\n"
      ".TP\n.I /usr/lib/notifyd\nthe plugins\n"
      ".SH \"SEE ALSO\"\n.BR notifyctl (1),\n.BR notifyd.toml (5),\n.BR systemctl (1);\n"
      "the operator guide in\n.IR /usr/share/doc/notifyd/operations.md .\n";
  return out;
}

}  // namespace notifyd::core
