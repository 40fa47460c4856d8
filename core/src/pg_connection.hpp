#pragma once
// One PostgreSQL connection (libpq) driven by an io_context: connecting and
// every query wait on the connection's socket, never block a thread, and end
// within their deadline.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "notifyd/sdk/status.hpp"

struct pg_conn;

namespace notifyd::core {

/// What a statement returned: its rows as text (NULL = nullopt) and, for
/// INSERT/UPDATE/DELETE, how many rows it touched.
struct PgRows {
  std::vector<std::string> columns;
  std::vector<std::vector<std::optional<std::string>>> rows;
  std::uint64_t affected = 0;
};

/// Why a statement or a connection failed: the server's SQLSTATE (`40001`,
/// `23505`, empty when the failure was not the server's) and its message.
struct PgError {
  std::string sqlstate;
  std::string message;
};

/// A message of libpq's as one line: its lines joined, trailing white space dropped.
std::string pg_message_line(const char* text);

/// `items` as the text of a PostgreSQL array (`{"a","b\"c"}`), for a
/// parameter cast to `text[]` or `bigint[]`.
std::string pg_array_literal(const std::vector<std::string>& items);

/// The OID of `bytea`, for `pg_binary_array`.
inline constexpr std::uint32_t pg_bytea_oid = 17;

/// `items` (nullopt = NULL) as a one-dimensional array in PostgreSQL's binary
/// format, elements of type `element_oid` given in their binary form, for a
/// binary parameter (`PgParam::bytes`) cast to the matching array type.
std::string pg_binary_array(std::uint32_t element_oid, const std::vector<std::optional<std::string_view>>& items);

/// A statement's text parameters; nullopt is SQL NULL.
using PgParams = std::vector<std::optional<std::string>>;

/// A connection. Every member is called on, and every callback runs on, the
/// connection's strand. Statements queue and run one at a time, in order.
/// Between statements the connection keeps reading, so notifications
/// (LISTEN) arrive while it is idle, and a break is noticed at once.
class PgConnection final : public std::enable_shared_from_this<PgConnection> {
 public:
  using Connected = std::function<void(sdk::Status)>;
  using Answered = std::function<void(std::optional<PgError>, PgRows)>;
  using Notified = std::function<void(std::string channel, std::string payload)>;
  using Lost = std::function<void(std::string why)>;

  /// A connection whose callbacks run on a strand of `executor`.
  static std::shared_ptr<PgConnection> create(boost::asio::any_io_executor executor);
  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  /// Connects with libpq connection string `dsn` (`host=… port=… dbname=…`,
  /// or a `postgresql://` URI); `done` gets the failure, naming the server
  /// and why, or that it took longer than `timeout`. libpq resolves a host
  /// name before it returns (give `hostaddr` to keep the loop from waiting on DNS).
  /// The session shows as `application_name` in `pg_stat_activity`.
  void connect(std::string dsn, std::chrono::milliseconds timeout, Connected done,
               std::string application_name = "notifyd");

  /// Calls `notified` for each notification the server sends (after a
  /// LISTEN), and `lost` once when an established connection breaks (not
  /// after `close`). Set before `connect`.
  void on_events(Notified notified, Lost lost);

  /// Runs `sql` with `params` ($1, $2 …, sent as text) once the statements
  /// queued before it have answered; `done` gets the server's error or the
  /// rows. A statement unanswered after `timeout` ends the connection (libpq
  /// 15 can cancel only with a blocking call): it and every queued statement
  /// are answered with an error, and the owner connects again.
  void execute(std::string sql, PgParams params, std::chrono::milliseconds timeout, Answered done);

  /// True between a successful connect and a broken or closed connection.
  bool connected() const noexcept;
  /// Closes the connection; queued statements are answered with an error.
  void close();
  /// The executor callbacks run on.
  boost::asio::strand<boost::asio::any_io_executor> strand() const { return strand_; }

 private:
  struct Statement {
    std::string sql;
    PgParams params;
    std::chrono::milliseconds timeout;
    Answered done;
  };

  explicit PgConnection(boost::asio::any_io_executor executor);
  void poll_connect();
  void watch_socket();
  void start_next();
  void flush();
  void read_answer();
  void finish(std::optional<PgError> error, PgRows rows);
  /// Waits for input while no statement runs (notifications, a break).
  void read_while_idle();
  void deliver_notifications();
  void fail_everything(const std::string& message, bool report_lost = true);

  boost::asio::strand<boost::asio::any_io_executor> strand_;
  pg_conn* conn_ = nullptr;
  std::optional<boost::asio::posix::stream_descriptor> socket_;
  boost::asio::steady_timer deadline_;
  Connected connecting_;
  std::deque<Statement> queue_;
  std::uint64_t deadline_generation_ = 0;  ///< which wait the deadline belongs to
  bool running_ = false;
  bool idle_reading_ = false;  ///< a wait of read_while_idle is pending
  std::uint64_t connection_generation_ = 0;  ///< which connection an idle wait belongs to
  Notified notified_;
  Lost lost_;
  std::optional<PgError> first_error_;
  PgRows rows_;
};

}  // namespace notifyd::core
