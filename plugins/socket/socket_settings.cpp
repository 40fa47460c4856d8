#include "socket_settings.hpp"

#include <grp.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <charconv>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

#include "notifyd/sdk/config_problems.hpp"

namespace notifyd::socket_api {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

}  // namespace

void describe_socket_settings(sdk::ConfigSchema& schema) {
  schema.summary("HTTP/1.1 API on a unix socket: /send, /send_photo, /v1/notify, /v1/history, /v1/health, "
                 "and the routes other plugins register; callers are identified by SO_PEERCRED")
      .path("path", "/run/notifyd/notifyd.sock", "where the socket file is created (its directory is created if missing)")
      .string("mode", "0660", "permissions of the socket file, in octal")
      .string("group", "", "group the socket file is given (e.g. the users allowed to send); empty = the daemon's")
      .integer("max_connections", 256, "connections served at once; more are answered 503 and closed")
      .integer("max_connections_per_user", 32,
               "connections one Unix user (other than root and the admin group) may hold at once; more are answered 503")
      .integer("reserved_connections", 16,
               "of max_connections, how many only root and members of the admin group may use")
      .integer("body_limit", 1 << 20, "largest request body in bytes (413 beyond it)")
      .duration("header_timeout", 10s, "time allowed for a whole request header to arrive")
      .duration("idle_timeout", 60s, "how long a kept-alive connection may wait for its next request")
      .duration("request_timeout", 30s, "time allowed for a request body, for its answer, and for writing the response")
      .string_list("photo_dirs", {},
                   "if set, the only directories /send_photo reads from (symlinks resolved); the caller must "
                   "always be able to read the file itself")
      .integer("history_page_bytes", 1 << 20,
               "largest /v1/history answer in bytes (one entry always fits); the rest is on the next page")
      .integer("photo_max_bytes", 10 << 20, "largest photo /send_photo reads, and largest image /v1/notify accepts");
}

sdk::Result<SocketSettings> read_socket_settings(const sdk::PluginConfig& config) {
  SocketSettings settings;
  sdk::ConfigProblems problems;

  settings.path = fs::path(config.string("path")).lexically_normal();
  // The socket is bound as <dir>/.nd-XXXXXX/s first, then linked into place.
  const std::size_t staging_length = settings.path.parent_path().string().size() + std::string_view("/.nd-XXXXXX/s").size();
  if (!settings.path.is_absolute() || !settings.path.has_filename()) {
    problems.add("path", settings.path.string() + " is not an absolute file path");
  } else if (settings.path.string().size() > max_socket_path_bytes || staging_length > max_socket_path_bytes) {
    problems.add("path", settings.path.string() + " is too long for a unix socket (at most " +
                             std::to_string(max_socket_path_bytes - 13) + " bytes for its directory)");
  }

  if (const auto mode = parse_octal_mode(config.string("mode"))) {
    settings.mode = *mode;
  } else {
    problems.add("mode", "\"" + config.string("mode") + "\" is not an octal file mode such as \"0660\"");
  }

  settings.group_name = config.string("group");
  if (!settings.group_name.empty()) {
    if (auto gid = lookup_group(settings.group_name)) {
      settings.group = gid.value();
    } else {
      problems.add("group", gid.error());
    }
  }

  for (const char* key : {"max_connections", "max_connections_per_user", "body_limit", "photo_max_bytes",
                          "history_page_bytes"}) {
    if (config.integer(key) <= 0) problems.add(key, "must be greater than zero");
  }
  for (const char* key : {"header_timeout", "idle_timeout", "request_timeout"}) {
    if (config.duration(key).count() <= 0) problems.add(key, "must be greater than zero");
  }
  const auto max_connections = config.integer("max_connections");
  const auto reserved = config.integer("reserved_connections");
  if (reserved < 0 || (max_connections > 0 && reserved >= max_connections)) {
    problems.add("reserved_connections", "must be at least 0 and less than max_connections");
  }

  for (const auto& dir : config.strings("photo_dirs")) {
    if (dir.empty() || dir.front() != '/') {
      problems.add("photo_dirs", dir + " is not an absolute path");
      continue;
    }
    std::unique_ptr<char, decltype(&std::free)> real(::realpath(dir.c_str(), nullptr), &std::free);
    if (!real) {
      problems.add("photo_dirs", dir + ": " + std::strerror(errno));
      continue;
    }
    std::error_code ec;
    if (!fs::is_directory(real.get(), ec)) {
      problems.add("photo_dirs", dir + " is not a directory");
      continue;
    }
    settings.photos.directories.emplace_back(real.get());
  }
  if (!problems.empty()) return sdk::Result<SocketSettings>::failure(problems.status().message);

  settings.max_connections = static_cast<std::size_t>(max_connections);
  settings.max_connections_per_user = static_cast<std::size_t>(config.integer("max_connections_per_user"));
  settings.reserved_connections = static_cast<std::size_t>(reserved);
  settings.history_page_bytes = static_cast<std::size_t>(config.integer("history_page_bytes"));
  settings.body_limit = static_cast<std::uint64_t>(config.integer("body_limit"));
  settings.header_timeout = config.duration("header_timeout");
  settings.idle_timeout = config.duration("idle_timeout");
  settings.request_timeout = config.duration("request_timeout");
  settings.photos.max_bytes = static_cast<std::uint64_t>(config.integer("photo_max_bytes"));
  return settings;
}

}  // namespace notifyd::socket_api
