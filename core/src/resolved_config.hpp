#pragma once
// `notifyd --check-config --json`: the verdict and the values the daemon would
// run with (defaults applied, paths resolved), for tools such as
// `notifyctl doctor` that must not keep their own copy of the defaults.

#include <string>

#include "config_error.hpp"
#include "prepared_config.hpp"

namespace notifyd::core {

/// One line of JSON:
/// `{"config", "ok", "mistakes": [text], "data_dir", "files": {"mode", "gid"},
/// "cluster": {"backend", "dsn": SOURCE}, "plugins": [{"name", "use",
/// "paths": {key: path}, "secrets": {key: SOURCE}}]}`, where a SOURCE (never
/// the secret itself) is `{"env": VARIABLE} | {"file": path} | {}`.
/// `config` is null when the file could not be read or parsed (then only `mistakes`).
std::string resolved_config_json(const std::filesystem::path& config_path, const PreparedConfig* config,
                                 const ConfigErrors& errors);

}  // namespace notifyd::core
