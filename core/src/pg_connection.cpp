#include "pg_connection.hpp"

#include <libpq-fe.h>

#include <algorithm>

#include <boost/asio/post.hpp>

namespace notifyd::core {

std::string pg_message_line(const char* text) {
  std::string out;
  bool space = false;
  for (const char* c = text ? text : ""; *c; ++c) {
    if (*c == '\n' || *c == '\t' || *c == ' ') {
      space = !out.empty();
    } else {
      if (space) out += ' ';
      space = false;
      out += *c;
    }
  }
  return out;
}

std::string pg_array_literal(const std::vector<std::string>& items) {
  std::string out = "{";
  for (const auto& item : items) {
    if (out.size() > 1) out += ',';
    out += '"';
    for (const char c : item) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

std::string pg_binary_array(std::uint32_t element_oid, const std::vector<std::optional<std::string_view>>& items) {
  std::string out;
  const auto put = [&out](std::uint32_t value) {
    for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((value >> shift) & 0xff);
  };
  const bool has_null = std::any_of(items.begin(), items.end(), [](const auto& item) { return !item; });
  put(items.empty() ? 0 : 1);
  put(has_null ? 1 : 0);
  put(element_oid);
  if (items.empty()) return out;
  put(static_cast<std::uint32_t>(items.size()));
  put(1);
  for (const auto& item : items) {
    if (!item) {
      put(0xffffffffu);
      continue;
    }
    put(static_cast<std::uint32_t>(item->size()));
    out += *item;
  }
  return out;
}

namespace {

std::string milliseconds_text(std::chrono::milliseconds duration) { return std::to_string(duration.count()) + " ms"; }

}  // namespace

std::shared_ptr<PgConnection> PgConnection::create(boost::asio::any_io_executor executor) {
  return std::shared_ptr<PgConnection>(new PgConnection(std::move(executor)));
}

PgConnection::PgConnection(boost::asio::any_io_executor executor)
    : strand_(boost::asio::make_strand(std::move(executor))), deadline_(strand_) {}

PgConnection::~PgConnection() {
  if (socket_) socket_->release();
  if (conn_) PQfinish(conn_);
}

void PgConnection::on_events(Notified notified, Lost lost) {
  boost::asio::post(strand_, [self = shared_from_this(), notified = std::move(notified), lost = std::move(lost)]() mutable {
    self->notified_ = std::move(notified);
    self->lost_ = std::move(lost);
  });
}

void PgConnection::connect(std::string dsn, std::chrono::milliseconds timeout, Connected done,
                           std::string application_name) {
  boost::asio::post(strand_, [self = shared_from_this(), dsn = std::move(dsn), timeout, done = std::move(done),
                              application_name = std::move(application_name)]() mutable {
    if (self->conn_ || self->connecting_) {
      done(sdk::Status::failure("already connected or connecting"));
      return;
    }
    // The connection string first: the keywords after it override what it says.
    const char* keywords[] = {"dbname", "application_name", nullptr};
    const char* values[] = {dsn.c_str(), application_name.c_str(), nullptr};
    self->conn_ = PQconnectStartParams(keywords, values, 1);
    if (!self->conn_ || PQstatus(self->conn_) == CONNECTION_BAD) {
      const std::string why = self->conn_ ? pg_message_line(PQerrorMessage(self->conn_)) : "out of memory";
      if (self->conn_) PQfinish(self->conn_);
      self->conn_ = nullptr;
      done(sdk::Status::failure("cannot connect to PostgreSQL: " + why));
      return;
    }
    PQsetnonblocking(self->conn_, 1);
    PQsetNoticeProcessor(self->conn_, [](void*, const char*) {}, nullptr);
    self->connecting_ = std::move(done);
    const auto armed = ++self->deadline_generation_;
    self->deadline_.expires_after(timeout);
    self->deadline_.async_wait([self, armed, timeout](boost::system::error_code ec) {
      if (ec || armed != self->deadline_generation_ || !self->connecting_) return;
      self->fail_everything("cannot connect to PostgreSQL: no answer within " + milliseconds_text(timeout));
    });
    self->poll_connect();
  });
}

void PgConnection::poll_connect() {
  const PostgresPollingStatusType polled = PQconnectPoll(conn_);
  if (polled == PGRES_POLLING_OK) {
    ++deadline_generation_;
    deadline_.cancel();
    watch_socket();
    auto done = std::move(connecting_);
    connecting_ = nullptr;
    done(sdk::Status::success());
    start_next();
    read_while_idle();
    return;
  }
  if (polled == PGRES_POLLING_FAILED) {
    fail_everything("cannot connect to PostgreSQL: " + pg_message_line(PQerrorMessage(conn_)));
    return;
  }
  // libpq may open a new socket at any step (another address, SSL retry).
  if (socket_) socket_->release();
  socket_.reset();
  watch_socket();
  const auto wait = polled == PGRES_POLLING_READING ? boost::asio::posix::descriptor_base::wait_read
                                                    : boost::asio::posix::descriptor_base::wait_write;
  socket_->async_wait(wait, [self = shared_from_this()](boost::system::error_code ec) {
    if (ec || !self->connecting_) return;
    self->poll_connect();
  });
}

void PgConnection::watch_socket() {
  if (!socket_) socket_.emplace(strand_, PQsocket(conn_));
}

bool PgConnection::connected() const noexcept {
  return conn_ && !connecting_ && PQstatus(conn_) == CONNECTION_OK;
}

void PgConnection::execute(std::string sql, PgParams params, std::chrono::milliseconds timeout, Answered done) {
  boost::asio::post(strand_, [self = shared_from_this(), statement = Statement{std::move(sql), std::move(params), timeout,
                                                                                std::move(done)}]() mutable {
    if (!self->conn_) {
      statement.done(PgError{"", "not connected to PostgreSQL"}, {});
      return;
    }
    self->queue_.push_back(std::move(statement));
    if (!self->running_ && self->connected()) self->start_next();
  });
}

void PgConnection::start_next() {
  if (running_ || queue_.empty() || !connected()) return;
  running_ = true;
  first_error_.reset();
  rows_ = {};
  const Statement& statement = queue_.front();
  std::vector<const char*> values;
  values.reserve(statement.params.size());
  for (const auto& param : statement.params) values.push_back(param ? param->c_str() : nullptr);
  if (!PQsendQueryParams(conn_, statement.sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr,
                         nullptr, 0)) {
    fail_everything("PostgreSQL connection lost: " + pg_message_line(PQerrorMessage(conn_)));
    return;
  }
  const auto armed = ++deadline_generation_;
  deadline_.expires_after(statement.timeout);
  deadline_.async_wait([self = shared_from_this(), armed, timeout = statement.timeout](boost::system::error_code ec) {
    if (ec || armed != self->deadline_generation_ || !self->running_) return;
    // libpq 15 cancels only with a blocking call; a statement past its
    // deadline ends the connection instead, which the server notices too.
    self->fail_everything("PostgreSQL did not answer within " + milliseconds_text(timeout));
  });
  flush();
}

void PgConnection::flush() {
  const int flushed = PQflush(conn_);
  if (flushed < 0) {
    fail_everything("PostgreSQL connection lost: " + pg_message_line(PQerrorMessage(conn_)));
    return;
  }
  if (flushed == 1) {
    socket_->async_wait(boost::asio::posix::descriptor_base::wait_write,
                        [self = shared_from_this()](boost::system::error_code ec) {
                          if (!ec && self->running_) self->flush();
                        });
    return;
  }
  read_answer();
}

void PgConnection::read_answer() {
  while (!PQisBusy(conn_)) {
    PGresult* result = PQgetResult(conn_);
    if (!result) {
      finish(std::move(first_error_), std::move(rows_));
      return;
    }
    switch (PQresultStatus(result)) {
      case PGRES_TUPLES_OK: {
        const int columns = PQnfields(result);
        const int rows = PQntuples(result);
        for (int c = 0; c < columns; ++c) rows_.columns.emplace_back(PQfname(result, c));
        rows_.rows.reserve(static_cast<std::size_t>(rows));
        for (int r = 0; r < rows; ++r) {
          auto& row = rows_.rows.emplace_back();
          row.reserve(static_cast<std::size_t>(columns));
          for (int c = 0; c < columns; ++c) {
            if (PQgetisnull(result, r, c)) {
              row.emplace_back(std::nullopt);
            } else {
              row.emplace_back(std::string(PQgetvalue(result, r, c), static_cast<std::size_t>(PQgetlength(result, r, c))));
            }
          }
        }
        break;
      }
      case PGRES_COMMAND_OK:
        rows_.affected = std::strtoull(PQcmdTuples(result), nullptr, 10);
        break;
      default:
        if (!first_error_) {
          first_error_ = PgError{pg_message_line(PQresultErrorField(result, PG_DIAG_SQLSTATE)),
                                 pg_message_line(PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY))};
          if (first_error_->message.empty()) first_error_->message = pg_message_line(PQresultErrorMessage(result));
        }
        break;
    }
    PQclear(result);
  }
  socket_->async_wait(boost::asio::posix::descriptor_base::wait_read, [self = shared_from_this()](boost::system::error_code ec) {
    if (ec || !self->running_) return;
    if (!PQconsumeInput(self->conn_)) {
      self->fail_everything("PostgreSQL connection lost: " + pg_message_line(PQerrorMessage(self->conn_)));
      return;
    }
    self->deliver_notifications();
    if (self->running_) self->read_answer();
  });
}

void PgConnection::read_while_idle() {
  if (idle_reading_ || running_ || !connected()) return;
  idle_reading_ = true;
  socket_->async_wait(boost::asio::posix::descriptor_base::wait_read, [self = shared_from_this(),
                                                                       armed = connection_generation_](
                                                                          boost::system::error_code ec) {
    if (armed != self->connection_generation_) return;
    self->idle_reading_ = false;
    // A statement that started meanwhile reads the input itself.
    if (ec || self->running_ || !self->conn_) return;
    if (!PQconsumeInput(self->conn_) || PQstatus(self->conn_) != CONNECTION_OK) {
      self->fail_everything("PostgreSQL connection lost: " + pg_message_line(PQerrorMessage(self->conn_)));
      return;
    }
    self->deliver_notifications();
    self->read_while_idle();
  });
}

void PgConnection::deliver_notifications() {
  while (conn_) {
    PGnotify* notify = PQnotifies(conn_);
    if (!notify) return;
    std::string channel = notify->relname ? notify->relname : "";
    std::string payload = notify->extra ? notify->extra : "";
    PQfreemem(notify);
    if (notified_) notified_(std::move(channel), std::move(payload));
  }
}

void PgConnection::finish(std::optional<PgError> error, PgRows rows) {
  ++deadline_generation_;
  deadline_.cancel();
  running_ = false;
  Statement statement = std::move(queue_.front());
  queue_.pop_front();
  deliver_notifications();
  statement.done(std::move(error), std::move(rows));
  // A break noticed while reading the answer ends the connection here: the
  // statements queued behind it are answered, and the owner hears of it.
  if (conn_ && PQstatus(conn_) != CONNECTION_OK) {
    fail_everything("PostgreSQL connection lost: " + pg_message_line(PQerrorMessage(conn_)));
    return;
  }
  start_next();
  read_while_idle();
}

void PgConnection::fail_everything(const std::string& message, bool report_lost) {
  const bool was_established = conn_ && !connecting_;
  ++deadline_generation_;
  deadline_.cancel();
  if (socket_) {
    socket_->cancel();
    socket_->release();
    socket_.reset();
  }
  if (conn_) PQfinish(conn_);
  conn_ = nullptr;
  running_ = false;
  idle_reading_ = false;
  ++connection_generation_;
  if (auto connecting = std::move(connecting_)) {
    connecting_ = nullptr;
    connecting(sdk::Status::failure(message));
  }
  auto queued = std::move(queue_);
  queue_.clear();
  for (auto& statement : queued) statement.done(PgError{"", message}, {});
  if (was_established && report_lost && lost_) lost_(message);
}

void PgConnection::close() {
  boost::asio::post(strand_,
                    [self = shared_from_this()] { self->fail_everything("the PostgreSQL connection was closed", false); });
}

}  // namespace notifyd::core
