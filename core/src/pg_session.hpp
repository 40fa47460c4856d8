#pragma once
// One blocking PostgreSQL connection for a thread of the store's own (its
// writer) or for short reads under a mutex: every call returns within the
// connection's timeouts, and a broken connection is opened again on the
// next call, except inside a transaction: a statement after BEGIN never runs
// on a new connection (outside the transaction it belongs to).

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "connection_health.hpp"
#include "notifyd/sdk/status.hpp"
#include "pg_connection.hpp"

struct pg_conn;
struct pg_result;

namespace notifyd::core {

/// A parameter of `PgSession::exec`: text, or raw bytes for a bytea column.
struct PgParam {
  std::optional<std::string> value;  ///< nullopt = SQL NULL
  bool binary = false;

  // Implicit, so a parameter list reads as values: {id, user, std::nullopt}.
  PgParam(std::string text) : value(std::move(text)) {}
  PgParam(const char* text) : value(std::string(text)) {}
  PgParam(std::optional<std::string> text) : value(std::move(text)) {}
  PgParam(std::nullopt_t) {}
  /// Raw bytes (bytea).
  static PgParam bytes(std::string data) {
    PgParam param(std::move(data));
    param.binary = true;
    return param;
  }
};

/// One statement of `PgSession::exec_pipelined`.
struct PgStatement {
  std::string sql;
  std::vector<PgParam> params;
};

class PgSession {
 public:
  /// A session for libpq connection string `dsn`; statements that take
  /// longer than `statement_timeout` are ended by the server, and an
  /// unreachable server is given up after `network_timeout`.
  /// `application_name` names the session in `pg_stat_activity`.
  PgSession(std::string dsn, std::chrono::milliseconds statement_timeout = std::chrono::seconds(5),
            std::chrono::milliseconds network_timeout = std::chrono::seconds(5),
            std::string application_name = "notifyd");
  ~PgSession();
  PgSession(const PgSession&) = delete;
  PgSession& operator=(const PgSession&) = delete;

  /// Connects (again, when the connection broke); the failure names why.
  sdk::Status open();
  /// Runs `sql` with `params`; a result column asked for in binary (`binary_results`)
  /// comes back as raw bytes (bytea). Opens the connection first when needed,
  /// but not when it broke inside a transaction: then every statement fails
  /// until `ROLLBACK` (which succeeds, the server having rolled back).
  sdk::Result<PgRows> exec(const std::string& sql, const std::vector<PgParam>& params = {},
                           bool binary_results = false);
  /// Sends every statement at once (libpq's pipeline mode) and then reads
  /// their answers, so a batch costs one round trip instead of one per
  /// statement, and each statement text is parsed by the server once per
  /// connection (a prepared statement, planned anew for each execution's
  /// parameters). The answers are in statement order; the first statement the
  /// server refuses fails the call, and the statements after it are not run.
  /// A transaction these statements leave open stays open, as with `exec`.
  sdk::Result<std::vector<PgRows>> exec_pipelined(const std::vector<PgStatement>& statements);
  /// The connection as its last call left it, for health: `connecting`
  /// until it first connects, `connected` while its last call found it
  /// working, `reconnecting` after it broke or failed to open again (it is
  /// opened again on the next call). Any thread.
  sdk::EngineConnection state(std::string name) const { return health_.state(std::move(name)); }

 private:
  /// The rows of a statement's answer, or the server's reason for refusing it.
  sdk::Result<PgRows> read_answer(pg_result* result);
  /// The connection broke while a transaction was open.
  bool broke_inside_transaction() const;
  void note_transaction_state();

  std::string dsn_;
  std::chrono::milliseconds statement_timeout_;
  std::chrono::milliseconds network_timeout_;
  std::string application_name_;
  pg_conn* conn_ = nullptr;
  bool in_transaction_ = false;  ///< the last answer left a transaction open
  std::unordered_map<std::string, std::string> prepared_;  ///< statement text → its name on this connection
  std::uint64_t statements_named_ = 0;
  ConnectionHealth health_;
};

}  // namespace notifyd::core
