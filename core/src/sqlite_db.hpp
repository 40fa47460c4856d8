#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "notifyd/sdk/status.hpp"

namespace notifyd::core {

/// One prepared SQLite statement; reset after each use.
class SqliteStatement {
 public:
  SqliteStatement() = default;
  SqliteStatement(sqlite3* db, std::string_view sql);
  SqliteStatement(SqliteStatement&& other) noexcept : stmt_(std::exchange(other.stmt_, nullptr)) {}
  SqliteStatement& operator=(SqliteStatement&& other) noexcept;
  ~SqliteStatement();

  SqliteStatement& bind(int index, std::int64_t value);
  SqliteStatement& bind(int index, std::string_view value);
  /// Binds the value, or NULL when there is none.
  SqliteStatement& bind(int index, std::optional<std::int64_t> value);
  /// Steps once: true while a row is available.
  bool step();
  /// Steps to completion; false when SQLite reported an error.
  bool run();
  void reset();
  std::int64_t integer(int column) const { return sqlite3_column_int64(stmt_, column); }
  bool is_null(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }
  std::string text(int column) const;
  int last_code() const noexcept { return last_code_; }

 private:
  sqlite3_stmt* stmt_ = nullptr;
  int last_code_ = SQLITE_OK;
};

/// An open SQLite database connection.
class SqliteDb {
 public:
  SqliteDb() = default;
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;
  ~SqliteDb();

  sdk::Status open(const std::string& path, bool read_only);
  /// Runs one or more statements that return no rows.
  sdk::Status exec(std::string_view sql);
  SqliteStatement prepare(std::string_view sql) { return SqliteStatement(db_, sql); }
  std::string error() const { return db_ ? sqlite3_errmsg(db_) : "database not open"; }
  sqlite3* handle() const noexcept { return db_; }

 private:
  sqlite3* db_ = nullptr;
};

}  // namespace notifyd::core
