#include "pg_session.hpp"

#include <libpq-fe.h>

#include <algorithm>

namespace notifyd::core {

PgSession::PgSession(std::string dsn, std::chrono::milliseconds statement_timeout,
                     std::chrono::milliseconds network_timeout, std::string application_name)
    : dsn_(std::move(dsn)),
      statement_timeout_(statement_timeout),
      network_timeout_(network_timeout),
      application_name_(std::move(application_name)) {}

PgSession::~PgSession() {
  if (conn_) PQfinish(conn_);
}

sdk::Status PgSession::open() {
  // A server that ended the session meanwhile (a restart, pg_terminate_backend)
  // left its goodbye on the socket, then the end of the stream: read what is
  // there twice (never blocks) to reach that end.
  if (conn_ && PQstatus(conn_) == CONNECTION_OK &&
      (in_transaction_ || (PQconsumeInput(conn_) && PQconsumeInput(conn_)))) {
    if (PQstatus(conn_) == CONNECTION_OK) return sdk::Status::success();
  }
  if (conn_) PQfinish(conn_);
  // The connection string first: the keywords after it override what it says.
  const std::string connect_seconds = std::to_string(std::max<long long>(2, (network_timeout_.count() + 999) / 1000));
  const std::string tcp_user_timeout = std::to_string(network_timeout_.count());
  const std::string options = "-c statement_timeout=" + std::to_string(statement_timeout_.count());
  const char* keywords[] = {"dbname", "connect_timeout", "tcp_user_timeout", "options", "application_name", nullptr};
  const char* values[] = {dsn_.c_str(), connect_seconds.c_str(), tcp_user_timeout.c_str(), options.c_str(),
                          application_name_.c_str(), nullptr};
  conn_ = PQconnectdbParams(keywords, values, 1);
  if (!conn_) return sdk::Status::failure("cannot connect to PostgreSQL: out of memory");
  // The server's notices ("already exists, skipping") are not for the daemon's stderr.
  PQsetNoticeProcessor(conn_, [](void*, const char*) {}, nullptr);
  if (PQstatus(conn_) != CONNECTION_OK) {
    const std::string why = pg_message_line(PQerrorMessage(conn_));
    PQfinish(conn_);
    conn_ = nullptr;
    return sdk::Status::failure("cannot connect to PostgreSQL: " + why);
  }
  // The server's notices ("relation … already exists, skipping") would go to stderr unformatted.
  PQsetNoticeProcessor(conn_, [](void*, const char*) {}, nullptr);
  return sdk::Status::success();
}

sdk::Result<PgRows> PgSession::exec(const std::string& sql, const std::vector<PgParam>& params, bool binary_results) {
  using R = sdk::Result<PgRows>;
  if (in_transaction_ && !(conn_ && PQstatus(conn_) == CONNECTION_OK)) {
    if (sql == "ROLLBACK") {
      in_transaction_ = false;
      return PgRows{};
    }
    return R::failure("the connection to PostgreSQL broke inside a transaction");
  }
  if (auto opened = open(); !opened) return R::failure(opened.message);
  std::vector<const char*> values;
  std::vector<int> lengths;
  std::vector<int> formats;
  for (const auto& param : params) {
    values.push_back(param.value ? param.value->data() : nullptr);
    lengths.push_back(param.value ? static_cast<int>(param.value->size()) : 0);
    formats.push_back(param.binary ? 1 : 0);
  }
  PGresult* result = PQexecParams(conn_, sql.c_str(), static_cast<int>(params.size()), nullptr, values.data(),
                                  lengths.data(), formats.data(), binary_results ? 1 : 0);
  if (!result) return R::failure("PostgreSQL connection lost: " + pg_message_line(PQerrorMessage(conn_)));
  if (const auto state = PQtransactionStatus(conn_); state != PQTRANS_UNKNOWN) {
    in_transaction_ = state == PQTRANS_INTRANS || state == PQTRANS_INERROR;
  }
  PgRows rows;
  const auto status = PQresultStatus(result);
  if (status == PGRES_TUPLES_OK) {
    const int columns = PQnfields(result);
    for (int c = 0; c < columns; ++c) rows.columns.emplace_back(PQfname(result, c));
    for (int r = 0; r < PQntuples(result); ++r) {
      auto& row = rows.rows.emplace_back();
      for (int c = 0; c < columns; ++c) {
        if (PQgetisnull(result, r, c)) {
          row.emplace_back(std::nullopt);
        } else {
          row.emplace_back(std::string(PQgetvalue(result, r, c), static_cast<std::size_t>(PQgetlength(result, r, c))));
        }
      }
    }
  } else if (status == PGRES_COMMAND_OK) {
    rows.affected = std::strtoull(PQcmdTuples(result), nullptr, 10);
  } else {
    const std::string sqlstate = pg_message_line(PQresultErrorField(result, PG_DIAG_SQLSTATE));
    std::string message = pg_message_line(PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY));
    if (message.empty()) message = pg_message_line(PQerrorMessage(conn_));
    PQclear(result);
    return R::failure(sqlstate.empty() ? message : message + " (SQLSTATE " + sqlstate + ")");
  }
  PQclear(result);
  return rows;
}

}  // namespace notifyd::core
