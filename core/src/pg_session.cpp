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
  // Prepared statements are planned for their parameters each time: a plan
  // chosen once, while a table was empty, would scan it whole ever after.
  const std::string options =
      "-c statement_timeout=" + std::to_string(statement_timeout_.count()) + " -c plan_cache_mode=force_custom_plan";
  const char* keywords[] = {"dbname", "connect_timeout", "tcp_user_timeout", "options", "application_name", nullptr};
  const char* values[] = {dsn_.c_str(), connect_seconds.c_str(), tcp_user_timeout.c_str(), options.c_str(),
                          application_name_.c_str(), nullptr};
  prepared_.clear();
  conn_ = PQconnectdbParams(keywords, values, 1);
  if (!conn_) {
    health_.broken("out of memory");
    return sdk::Status::failure("cannot connect to PostgreSQL: out of memory");
  }
  // The server's notices ("already exists, skipping") are not for the daemon's stderr.
  PQsetNoticeProcessor(conn_, [](void*, const char*) {}, nullptr);
  if (PQstatus(conn_) != CONNECTION_OK) {
    const std::string why = pg_message_line(PQerrorMessage(conn_));
    PQfinish(conn_);
    conn_ = nullptr;
    health_.broken(why);
    return sdk::Status::failure("cannot connect to PostgreSQL: " + why);
  }
  health_.connected();
  return sdk::Status::success();
}


bool PgSession::broke_inside_transaction() const {
  return in_transaction_ && !(conn_ && PQstatus(conn_) == CONNECTION_OK);
}

void PgSession::note_transaction_state() {
  if (const auto state = PQtransactionStatus(conn_); state != PQTRANS_UNKNOWN) {
    in_transaction_ = state == PQTRANS_INTRANS || state == PQTRANS_INERROR;
  }
}

sdk::Result<PgRows> PgSession::read_answer(PGresult* result) {
  using R = sdk::Result<PgRows>;
  if (!result) return R::failure("PostgreSQL connection lost: " + pg_message_line(PQerrorMessage(conn_)));
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

namespace {

struct WireParams {
  std::vector<const char*> values;
  std::vector<int> lengths;
  std::vector<int> formats;

  explicit WireParams(const std::vector<PgParam>& params) {
    for (const auto& param : params) {
      values.push_back(param.value ? param.value->data() : nullptr);
      lengths.push_back(param.value ? static_cast<int>(param.value->size()) : 0);
      formats.push_back(param.binary ? 1 : 0);
    }
  }
};

}  // namespace

sdk::Result<PgRows> PgSession::exec(const std::string& sql, const std::vector<PgParam>& params, bool binary_results) {
  using R = sdk::Result<PgRows>;
  if (broke_inside_transaction()) {
    if (sql != "ROLLBACK") return R::failure("the connection to PostgreSQL broke inside a transaction");
    in_transaction_ = false;
    return PgRows{};
  }
  if (auto opened = open(); !opened) return R::failure(opened.message);
  const WireParams wire(params);
  PGresult* result = PQexecParams(conn_, sql.c_str(), static_cast<int>(params.size()), nullptr, wire.values.data(),
                                  wire.lengths.data(), wire.formats.data(), binary_results ? 1 : 0);
  if (result) note_transaction_state();
  if (PQstatus(conn_) != CONNECTION_OK) health_.broken(pg_message_line(PQerrorMessage(conn_)));
  return read_answer(result);
}

sdk::Result<std::vector<PgRows>> PgSession::exec_pipelined(const std::vector<PgStatement>& statements) {
  using R = sdk::Result<std::vector<PgRows>>;
  if (broke_inside_transaction()) return R::failure("the connection to PostgreSQL broke inside a transaction");
  if (auto opened = open(); !opened) return R::failure(opened.message);
  // A pipeline cut short leaves the connection unusable for the next statement: drop it.
  const auto lost = [this] {
    auto failure = R::failure("PostgreSQL connection lost: " + pg_message_line(PQerrorMessage(conn_)));
    health_.broken(pg_message_line(PQerrorMessage(conn_)));
    PQfinish(conn_);
    conn_ = nullptr;
    return failure;
  };
  if (!PQenterPipelineMode(conn_)) return lost();
  // Each statement text is prepared once per connection, in the first
  // pipeline that sends it, so the server parses and plans it once.
  std::vector<bool> prepared_here(statements.size());
  for (std::size_t i = 0; i < statements.size(); ++i) {
    const auto& statement = statements[i];
    auto name = prepared_.find(statement.sql);
    if (name == prepared_.end()) {
      name = prepared_.emplace(statement.sql, "notifyd_" + std::to_string(++statements_named_)).first;
      if (!PQsendPrepare(conn_, name->second.c_str(), statement.sql.c_str(), 0, nullptr)) return lost();
      prepared_here[i] = true;
    }
    const WireParams wire(statement.params);
    if (!PQsendQueryPrepared(conn_, name->second.c_str(), static_cast<int>(statement.params.size()),
                             wire.values.data(), wire.lengths.data(), wire.formats.data(), 0)) {
      return lost();
    }
  }
  if (!PQpipelineSync(conn_)) return lost();
  std::vector<PgRows> answers;
  std::optional<std::string> refused;
  // One answer per statement, preceded by its preparation's when it was prepared here.
  const auto next_answer = [&]() -> std::optional<sdk::Result<PgRows>> {
    PGresult* result = PQgetResult(conn_);
    if (!result) return std::nullopt;
    std::optional<sdk::Result<PgRows>> answer;
    if (PQresultStatus(result) == PGRES_PIPELINE_ABORTED) {
      PQclear(result);
      answer = sdk::Result<PgRows>::failure("not run: an earlier statement of the batch failed");
    } else {
      answer = read_answer(result);
    }
    while (PGresult* rest = PQgetResult(conn_)) PQclear(rest);  // the end of this answer
    return answer;
  };
  for (std::size_t i = 0; i < statements.size(); ++i) {
    if (prepared_here[i]) {
      auto prepared = next_answer();
      if (!prepared) return lost();
      if (!*prepared) {
        prepared_.erase(statements[i].sql);
        if (!refused) refused = prepared->error();
      }
    }
    auto answer = next_answer();
    if (!answer) return lost();
    if (*answer) {
      answers.push_back(std::move(*answer).value());
    } else if (!refused) {
      refused = answer->error();
    }
  }
  PGresult* sync = PQgetResult(conn_);
  if (!sync || PQresultStatus(sync) != PGRES_PIPELINE_SYNC) {
    if (sync) PQclear(sync);
    return lost();
  }
  PQclear(sync);
  PQexitPipelineMode(conn_);
  note_transaction_state();
  if (refused) return R::failure(*refused);
  return answers;
}

}  // namespace notifyd::core
