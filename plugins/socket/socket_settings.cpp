#include "socket_settings.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

#include "notifyd/sdk/config_problems.hpp"
#include "notifyd/sdk/settings_schema.hpp"

namespace notifyd::socket_api {
namespace {

namespace fs = std::filesystem;

struct SocketGroup {
  std::string name;
  std::optional<gid_t> gid;
};

// The socket API's server keys: limits and timeouts (`path`, `mode` and `group` say where it listens; no TLS).
sdk::http::ServerKeys server_keys() {
  sdk::http::ServerKeys keys;
  keys.unix_socket_keys = false;
  keys.tls_keys = false;
  return keys;
}

std::string path_problem(const std::string& text) {
  const fs::path path = fs::path(text).lexically_normal();
  // The socket is bound as <dir>/.nd-XXXXXX/s first, then linked into place.
  const std::size_t staging_length = path.parent_path().string().size() + std::string_view("/.nd-XXXXXX/s").size();
  if (!path.is_absolute() || !path.has_filename()) return path.string() + " is not an absolute file path";
  if (path.string().size() > max_socket_path_bytes || staging_length > max_socket_path_bytes) {
    return path.string() + " is too long for a unix socket (at most " + std::to_string(max_socket_path_bytes - 13) +
           " bytes for its directory)";
  }
  return {};
}

sdk::Result<mode_t> socket_mode(const std::string& text) {
  if (const auto mode = parse_octal_mode(text)) return *mode;
  return sdk::Result<mode_t>::failure("\"" + text + "\" is not an octal file mode such as \"0660\"");
}

sdk::Result<SocketGroup> socket_group(const std::string& name) {
  if (name.empty()) return SocketGroup{};
  auto gid = lookup_group(name);
  if (!gid) return sdk::Result<SocketGroup>::failure(gid.error());
  return SocketGroup{name, gid.value()};
}

// Each directory made absolute with its symlinks resolved; every one that does not resolve is named.
sdk::Result<std::vector<fs::path>> photo_directories(const std::vector<std::string>& dirs) {
  std::vector<fs::path> resolved;
  std::string problems;
  const auto refuse = [&problems](const std::string& problem) { problems += (problems.empty() ? "" : "; ") + problem; };
  for (const auto& dir : dirs) {
    if (dir.empty() || dir.front() != '/') {
      refuse(dir + " is not an absolute path");
      continue;
    }
    std::unique_ptr<char, decltype(&std::free)> real(::realpath(dir.c_str(), nullptr), &std::free);
    if (!real) {
      refuse(dir + ": " + std::strerror(errno));
      continue;
    }
    std::error_code ec;
    if (!fs::is_directory(real.get(), ec)) {
      refuse(dir + " is not a directory");
      continue;
    }
    resolved.emplace_back(real.get());
  }
  if (!problems.empty()) return sdk::Result<std::vector<fs::path>>::failure(problems);
  return resolved;
}

bool above_zero(std::int64_t value) { return value > 0; }

const sdk::SettingsSchema<SocketSettings>& socket_settings_schema() {
  static const auto schema = [] {
    sdk::SettingsSchema<SocketSettings> s(
        "HTTP/1.1 API on a unix socket: /send, /send_photo, /v1/notify, /v1/history, /v1/health, "
        "and the routes other plugins register; callers are identified by SO_PEERCRED");
    s.path("path", "/run/notifyd/notifyd.sock", "where the socket file is created (its directory is created if missing)")
        .check("an absolute file path that fits a unix socket", path_problem)
        .into([](SocketSettings& settings, const std::string& path) { settings.path = fs::path(path).lexically_normal(); });
    s.string("mode", "0660", "permissions of the socket file, in octal").into(&SocketSettings::mode, socket_mode);
    s.string("group", "", "group the socket file is given (e.g. the users allowed to send); empty = the daemon's")
        .into(
            [](SocketSettings& settings, SocketGroup group) {
              settings.group_name = std::move(group.name);
              settings.group = group.gid;
            },
            socket_group);
    s.integer("max_connections_per_user", 32,
              "connections one Unix user (other than root and the admin group) may hold at once; more are answered 503")
        .satisfies("greater than zero", above_zero)
        .into(&SocketSettings::max_connections_per_user);
    s.integer("reserved_connections", 16, "of max_connections, how many only root and members of the admin group may use")
        .check("at least 0 and less than max_connections",
               [](std::int64_t value) {
                 return value < 0 ? std::string("must be at least 0 and less than max_connections") : std::string();
               })
        .into(&SocketSettings::reserved_connections);
    s.string_list("photo_dirs", {},
                  "if set, the only directories /send_photo reads from (symlinks resolved); the caller must "
                  "always be able to read the file itself")
        .into([](SocketSettings& settings, std::vector<fs::path> dirs) { settings.photos.directories = std::move(dirs); },
              photo_directories);
    s.integer("history_page_bytes", 1 << 20,
              "largest /v1/history answer in bytes (one entry always fits); the rest is on the next page")
        .satisfies("greater than zero", above_zero)
        .into(&SocketSettings::history_page_bytes);
    s.integer("photo_max_bytes", 10 << 20, "largest photo /send_photo reads, and largest image /v1/notify accepts")
        .satisfies("greater than zero", above_zero)
        .into([](SocketSettings& settings, std::int64_t bytes) {
          settings.photos.max_bytes = static_cast<std::uint64_t>(bytes);
        });
    sdk::http::bind_server_keys(s, &SocketSettings::server, server_keys());
    s.rule({"reserved_connections", "max_connections"}, [](const SocketSettings& settings, sdk::ConfigProblems& problems) {
      if (settings.reserved_connections >= settings.server.max_connections) {
        problems.add("reserved_connections", "must be at least 0 and less than max_connections");
      }
    });
    return s;
  }();
  return schema;
}

}  // namespace

void describe_socket_settings(sdk::ConfigSchema& schema) { socket_settings_schema().describe(schema); }

sdk::Result<SocketSettings> read_socket_settings(const sdk::PluginConfig& config) {
  auto read = socket_settings_schema().read(config);
  if (!read) return read;
  SocketSettings& settings = read.value();
  if (!config.is_set("answer_timeout")) settings.server.answer_timeout = settings.server.request_timeout;
  settings.server.listen.unix_path = settings.path;
  settings.server.socket_mode = settings.mode;
  settings.server.socket_group = settings.group;
  settings.server.socket_group_name = settings.group_name;
  return read;
}

}  // namespace notifyd::socket_api
