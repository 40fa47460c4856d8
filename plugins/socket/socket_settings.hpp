#pragma once
// The socket front-end's configuration: the keys it declares and their
// validated, typed form.

#include <sys/types.h>

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>

#include "notifyd/sdk/config.hpp"
#include "notifyd/sdk/http/server_settings.hpp"
#include "notifyd/sdk/status.hpp"
#include "notifyd/sdk/unix_socket_file.hpp"
#include "photo_file.hpp"

namespace notifyd::socket_api {

/// Longest socket path that fits `sockaddr_un::sun_path` with its NUL.
inline constexpr std::size_t max_socket_path_bytes = 107;

/// The validated settings of one socket front-end instance, built by `configure()`.
struct SocketSettings {
  std::filesystem::path path;   ///< where the socket file is created
  mode_t mode = 0660;           ///< permissions of the socket file
  std::string group_name;       ///< group the socket is given; empty = unchanged
  std::optional<gid_t> group;   ///< its gid
  std::size_t max_connections_per_user = 32;  ///< for callers other than root and admins
  std::size_t reserved_connections = 16;      ///< of max_connections, only for root and admins
  std::size_t history_page_bytes = 1 << 20;   ///< `/v1/history` answers stop adding entries beyond it
  PhotoPolicy photos;
  /// The server keys, `listen` set to `unix:<path>` with `mode` and `group`.
  /// `answer_timeout` is `request_timeout` unless set: `request_timeout` once
  /// bounded the handler's answer too, and configs written then keep their meaning.
  sdk::http::ServerSettings server;
};

/// Declares the plugin's keys (called from `SocketFrontend::describe`).
void describe_socket_settings(sdk::ConfigSchema& schema);

/// Validates `config` beyond its schema (mode is octal ≤ 0777, the group exists, limits
/// are positive, the reserve is below max_connections, photo directories resolve); the
/// error has every problem, one `key: message` line each.
sdk::Result<SocketSettings> read_socket_settings(const sdk::PluginConfig& config);

// The file-mode and group helpers live in the SDK (the dashboard's socket uses them too).
using sdk::format_octal_mode;
using sdk::lookup_group;
using sdk::parse_octal_mode;

}  // namespace notifyd::socket_api
