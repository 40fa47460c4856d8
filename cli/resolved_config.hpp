#pragma once
// What `notifyd -c FILE --check-config --json` says about a config: its
// mistakes and the values the daemon resolves from it. `notifyctl doctor`
// reads these instead of parsing notifyd.toml with defaults of its own.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace notifyctl {

/// Where one plugin instance's secret comes from: `<key>_env` or `<key>_file`.
struct SecretSource {
  std::string instance;
  std::string variable;  ///< `<key>_env`; empty when the table does not name one
  std::string file;      ///< `<key>_file`, resolved; empty when the table does not name one
  std::string key = "token";
  std::string use{};  ///< the plugin library, e.g. telegram
};

/// The daemon's reading of one config file.
struct ResolvedConfig {
  bool ok = false;
  std::vector<std::string> mistakes;       ///< "FILE:LINE:COLUMN: text", every one
  std::optional<std::string> data_dir{};   ///< absent when the file could not be read or parsed
  std::optional<std::string> socket_path{};  ///< the first socket plugin's `path`
  std::vector<SecretSource> secrets{};     ///< every secret key of every plugin instance
  std::optional<unsigned> file_mode{};     ///< [daemon] file_mode
  std::optional<unsigned> file_gid{};      ///< [daemon] file_group, resolved; absent when not set
  std::string cluster_backend = "local";   ///< [cluster] backend
  std::optional<SecretSource> cluster_dsn{};  ///< where [cluster] dsn comes from; absent when the table names none
};

/// Decodes the JSON line `--check-config --json` prints; nothing when `text` is not that.
std::optional<ResolvedConfig> decode_resolved_config(std::string_view text);

}  // namespace notifyctl
