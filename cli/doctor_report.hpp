#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "api_answers.hpp"
#include "resolved_config.hpp"

namespace notifyctl {

/// `notifyctl doctor`: facts gathered from the system (doctor_probe.hpp) are
/// judged here, without touching the system, into one finding per check.

enum class Verdict { ok, warn, fail };

/// One line of the report: "fail  socket   <detail>; fix: <fix>".
struct DoctorFinding {
  Verdict verdict = Verdict::ok;
  std::string subject;  ///< config, socket, data dir, telegram:<name>, channel:<name>, ...
  std::string detail;
  std::string fix;  ///< empty when there is nothing to do
};

/// The findings, one line each, verdicts and subjects aligned.
std::string doctor_text(const std::vector<DoctorFinding>& findings);

/// `{"ok": <no failure>, "checks": [{"verdict","subject","detail","fix"}]}` for --json.
std::string doctor_json(const std::vector<DoctorFinding>& findings);

bool has_failure(const std::vector<DoctorFinding>& findings);

struct ConfigFileFacts {
  std::string path;
  bool exists = false;
  bool readable = false;
  std::string error;  ///< why it could not be read, when it exists
  bool caller_is_root = false;
  bool named = false;               ///< given with --config
  bool daemon_answers = false;      ///< a daemon answers on the socket though this file is not its config
  std::string daemon_socket{};      ///< where that daemon answers
  bool from_daemon = false;         ///< the file the running daemon was started with
};

DoctorFinding judge_config_file(const ConfigFileFacts& facts);

/// `notifyd -c FILE --check-config`.
struct ConfigCheckFacts {
  std::string config_path;
  std::string notifyd_path;  ///< empty: no notifyd binary found
  std::optional<int> exit_status;
  bool timed_out = false;
  std::string start_error;  ///< it could not be run at all
  std::string output;       ///< its stdout
  std::string error_output; ///< its stderr
  std::optional<ResolvedConfig> resolved;  ///< `output` decoded, when it is the JSON verdict
};

DoctorFinding judge_config_check(const ConfigCheckFacts& facts);

/// The socket file and whether the caller may connect to it.
struct SocketFacts {
  std::string path;
  std::string stat_error;  ///< empty when the file could be looked at
  bool missing = false;    ///< ENOENT
  bool is_socket = false;
  unsigned mode = 0;  ///< permission bits
  std::string owner_name;
  std::string group_name;
  bool caller_is_root = false;
  bool caller_is_owner = false;
  bool caller_in_group_now = false;     ///< in this process's groups
  bool caller_in_group_listed = false;  ///< listed in the group database (maybe after this login)
  bool caller_may_write = false;        ///< access(W_OK): what connect() needs
  std::string caller_name;
};

DoctorFinding judge_socket_file(const SocketFacts& facts);

/// GET /health over the socket.
struct ConnectionFacts {
  bool answered = false;
  unsigned status = 0;
  std::string error;  ///< transport failure
};

DoctorFinding judge_socket_connection(const std::string& socket_path, const ConnectionFacts& facts);

/// [daemon] data_dir, as far as the caller can see it.
struct DataDirFacts {
  std::string path;
  std::string stat_error;
  bool missing = false;
  bool is_directory = false;
  unsigned mode = 0;
  std::string owner_name;
  bool read_only_file_system = false;
  std::optional<std::uint64_t> free_bytes;
  std::optional<double> free_fraction;  ///< 0..1 of the file system
  bool caller_is_root = false;
  bool writable_by_caller = false;  ///< meaningful for root, who is the daemon's user
};

DoctorFinding judge_data_dir(const DataDirFacts& facts);

/// Where a plugin instance's secret (a telegram bot's token, ...) comes from and whether it is there.
struct TokenFacts {
  std::string instance;
  std::string secret = "token";  ///< the secret's key, e.g. jwt_secret
  std::string token_env;   ///< token_env = "..."
  std::string token_file;  ///< token_file = "...", resolved
  std::string env_file;    ///< the unit's EnvironmentFile
  enum class State { present, empty, absent, unreadable } state = State::absent;
  std::string error;  ///< why the env file or token file could not be read
};

DoctorFinding judge_telegram_token(const TokenFacts& facts);

/// [cluster] backend = "postgres": the database the store lives in.
struct PostgresFacts {
  std::string dsn_error;    ///< the connection string could not be found (where it was looked for)
  bool connected = false;
  std::string error;        ///< why connecting or reading failed (the server's message)
  int version = 0;          ///< the schema version found; 0 = notifyd never created its tables there
  int expected_version = 0; ///< the version this notifyd needs
};

DoctorFinding judge_postgres(const PostgresFacts& facts);

/// One finding per channel the daemon reports, and one for every telegram
/// instance of the config that the daemon does not report (it is off).
/// `secrets` say, for a channel that is off, whether its secret is missing and where.
std::vector<DoctorFinding> judge_channels(const HealthReport& report,
                                          const std::vector<std::string>& telegram_instances,
                                          const std::vector<TokenFacts>& secrets = {});

}  // namespace notifyctl
