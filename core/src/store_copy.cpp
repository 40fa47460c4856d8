#include "store_copy.hpp"

#include <fstream>
#include <functional>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "atomic_file.hpp"
#include "notifyd/sdk/image.hpp"
#include "sqlite_schema.hpp"
#include "stored_tags.hpp"

namespace notifyd::core {
namespace {

using Row = std::vector<std::optional<std::string>>;

enum class Kind {
  integer,
  optional_integer,
  text,
  image,  ///< SQLite: the image file's path; PostgreSQL: the image's bytes
  tags,   ///< SQLite: a JSON array of strings; PostgreSQL: text[] (read as a JSON array)
};

struct Column {
  std::string_view sqlite;
  std::string_view postgres;
  Kind kind;
  int sqlite_since = 1;              ///< the SQLite schema version that added the column
  std::string_view sqlite_default{};  ///< what an older SQLite store holds instead
};

struct Table {
  std::string_view name;
  std::vector<Column> columns;
  std::string_view sqlite_order;
  std::string_view postgres_order;  ///< the same order: attempts keep the order they were made in
  std::uint64_t StoreCopyCounts::*count;
};

const std::vector<Table>& tables() {
  using K = Kind;
  static const std::vector<Table> all{
      {"notifications",
       {{"id", "id", K::integer},
        {"user", "user_name", K::text},
        {"title", "title", K::text},
        {"message", "message", K::text},
        {"format", "format", K::integer},
        {"source", "source", K::text},
        {"data", "data", K::text},
        {"image_type", "image_type", K::text},
        {"created_at", "created_at", K::integer},
        {"priority", "priority", K::integer, 2, "3"},
        {"tags", "tags", K::tags, 2, "'[]'"},
        {"image_path", "image", K::image}},
       "id",
       "id",
       &StoreCopyCounts::notifications},
      {"deliveries",
       {{"notification_id", "notification_id", K::integer},
        {"channel", "channel", K::text},
        {"state", "state", K::text},
        {"attempts", "attempts", K::integer},
        {"last_error", "last_error", K::text},
        {"updated_at", "updated_at", K::integer}},
       "notification_id, channel",
       "notification_id, channel",
       &StoreCopyCounts::deliveries},
      {"attempts",
       {{"notification_id", "notification_id", K::integer},
        {"channel", "channel", K::text},
        {"at", "at", K::integer},
        {"outcome", "outcome", K::text},
        {"error", "error", K::text}},
       "notification_id, at, rowid",
       "notification_id, at, ctid",
       &StoreCopyCounts::attempts},
      {"runs",
       {{"id", "id", K::integer},
        {"user", "user_name", K::text},
        {"check_name", "check_name", K::text},
        {"trigger", "trigger", K::text},
        {"started_at", "started_at", K::integer},
        {"duration_ms", "duration_ms", K::integer},
        {"exit_code", "exit_code", K::optional_integer},
        {"outcome", "outcome", K::text},
        {"detail", "detail", K::text},
        {"stderr", "stderr", K::text},
        {"notification_id", "notification_id", K::integer}},
       "id",
       "id",
       &StoreCopyCounts::runs},
  };
  return all;
}

std::string column_list(const Table& table, std::string_view Column::*side) {
  std::string list;
  for (const auto& column : table.columns) {
    if (!list.empty()) list += ", ";
    list += column.*side;
  }
  return list;
}

// What a SELECT reads from PostgreSQL: tags as JSON, the way SQLite keeps them.
std::string pg_select_list(const Table& table) {
  std::string list;
  for (const auto& column : table.columns) {
    if (!list.empty()) list += ", ";
    const std::string name(column.postgres);
    list += column.kind == Kind::tags ? "array_to_json(" + name + ")" : name;
  }
  return list;
}

// What a SELECT reads from a SQLite store of `version`: a column it predates reads as its default.
std::string sqlite_select_list(const Table& table, int version) {
  std::string list;
  for (const auto& column : table.columns) {
    if (!list.empty()) list += ", ";
    list += column.sqlite_since > version ? column.sqlite_default : column.sqlite;
  }
  return list;
}

std::size_t column_index(const Table& table, std::string_view postgres_name) {
  for (std::size_t i = 0; i < table.columns.size(); ++i) {
    if (table.columns[i].postgres == postgres_name) return i;
  }
  return table.columns.size();
}

// Where a notification's image lives in a data directory: `<image_dir>/<id>.<ext>`.
std::optional<std::filesystem::path> image_file(const std::filesystem::path& image_dir, const Table& table,
                                                const Row& row) {
  const auto id = row.at(column_index(table, "id"));
  const auto type = sdk::image_type_from_name(row.at(column_index(table, "image_type")).value_or(""));
  if (!id || !type) return std::nullopt;
  return image_dir / (*id + "." + std::string(sdk::file_extension(*type)));
}

std::optional<std::string> read_whole_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return std::nullopt;
  return bytes;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Inserts rows of one table into PostgreSQL, many per statement.
class PgTableWriter {
 public:
  PgTableWriter(PgSession& to, const Table& table) : to_(to), table_(table) {}

  sdk::Status add(std::vector<PgParam> row) {
    for (const auto& param : row) bytes_ += param.value ? param.value->size() : 0;
    for (auto& param : row) params_.push_back(std::move(param));
    ++rows_;
    if (rows_ >= max_rows || bytes_ >= max_bytes) return flush();
    return sdk::Status::success();
  }

  sdk::Status flush() {
    if (rows_ == 0) return sdk::Status::success();
    std::string sql = "INSERT INTO " + std::string(table_.name) + "(" + column_list(table_, &Column::postgres) + ") VALUES ";
    std::size_t number = 0;
    for (std::size_t r = 0; r < rows_; ++r) {
      sql += r == 0 ? "(" : ", (";
      for (std::size_t c = 0; c < table_.columns.size(); ++c) sql += (c == 0 ? "$" : ", $") + std::to_string(++number);
      sql += ")";
    }
    auto inserted = to_.exec(sql, params_);
    params_.clear();
    rows_ = 0;
    bytes_ = 0;
    if (!inserted) return sdk::Status::failure("cannot copy " + std::string(table_.name) + ": " + inserted.error());
    return sdk::Status::success();
  }

 private:
  static constexpr std::size_t max_rows = 200;
  static constexpr std::size_t max_bytes = 8u << 20;
  PgSession& to_;
  const Table& table_;
  std::vector<PgParam> params_;
  std::size_t rows_ = 0;
  std::size_t bytes_ = 0;
};

// Reads every row of one table from PostgreSQL through a cursor, a page at a time.
sdk::Status read_pg_table(PgSession& from, const Table& table, const std::function<sdk::Status(const Row&)>& each) {
  const auto failed = [&](const std::string& why) {
    return sdk::Status::failure("cannot read " + std::string(table.name) + ": " + why);
  };
  if (auto declared = from.exec("DECLARE store_copy NO SCROLL CURSOR FOR SELECT " + pg_select_list(table) +
                                " FROM " + std::string(table.name) + " ORDER BY " + std::string(table.postgres_order));
      !declared) {
    return failed(declared.error());
  }
  for (;;) {
    auto page = from.exec("FETCH FORWARD 200 FROM store_copy");
    if (!page) return failed(page.error());
    if (page.value().rows.empty()) break;
    for (const auto& row : page.value().rows) {
      if (auto status = each(row); !status) return status;
    }
  }
  if (auto closed = from.exec("CLOSE store_copy"); !closed) return failed(closed.error());
  return sdk::Status::success();
}

// Reads every row of one table from a SQLite store of schema `version`.
sdk::Status read_sqlite_table(SqliteDb& from, int version, const Table& table,
                              const std::function<sdk::Status(const Row&)>& each) {
  try {
    auto select = from.prepare("SELECT " + sqlite_select_list(table, version) + " FROM " + std::string(table.name) +
                               " ORDER BY " + std::string(table.sqlite_order));
    Row row(table.columns.size());
    while (select.step()) {
      for (std::size_t c = 0; c < row.size(); ++c) {
        row[c] = select.is_null(static_cast<int>(c)) ? std::nullopt : std::optional(select.text(static_cast<int>(c)));
      }
      if (auto status = each(row); !status) return status;
    }
    if (select.last_code() != SQLITE_DONE) {
      return sdk::Status::failure("cannot read " + std::string(table.name) + ": " + from.error());
    }
    return sdk::Status::success();
  } catch (const std::exception& e) {
    return sdk::Status::failure("cannot read " + std::string(table.name) + ": " + e.what());
  }
}

std::int64_t integer_of(const std::optional<std::string>& value) { return value ? std::stoll(*value) : 0; }

}  // namespace

sdk::Result<std::string> decode_pg_bytea(std::string_view text) {
  using R = sdk::Result<std::string>;
  if (!text.starts_with("\\x") || text.size() % 2 != 0) return R::failure("a bytea value not in hex format");
  std::string bytes;
  bytes.reserve(text.size() / 2 - 1);
  for (std::size_t i = 2; i < text.size(); i += 2) {
    const int high = hex_digit(text[i]);
    const int low = hex_digit(text[i + 1]);
    if (high < 0 || low < 0) return R::failure("a bytea value not in hex format");
    bytes.push_back(static_cast<char>(high * 16 + low));
  }
  return bytes;
}

sdk::Result<StoreCopyCounts> copy_store_to_postgres(SqliteDb& from, const std::filesystem::path& image_dir,
                                                    PgSession& to) {
  using R = sdk::Result<StoreCopyCounts>;
  const auto version = read_sqlite_schema_version(from);
  if (!version) return R::failure(version.error());
  StoreCopyCounts counts;
  for (const auto& table : tables()) {
    PgTableWriter writer(to, table);
    auto read = read_sqlite_table(from, version.value(), table, [&](const Row& row) {
      std::vector<PgParam> params;
      for (std::size_t c = 0; c < row.size(); ++c) {
        if (table.columns[c].kind == Kind::tags) {
          params.emplace_back(pg_array_literal(tags_from_stored_text(row[c].value_or(""))));
          continue;
        }
        if (table.columns[c].kind != Kind::image) {
          params.emplace_back(row[c]);
          continue;
        }
        const auto fallback = image_file(image_dir, table, row);
        std::optional<std::string> bytes;
        if (fallback && row[c] && !row[c]->empty()) bytes = read_whole_file(*row[c]);
        if (fallback && !bytes) bytes = read_whole_file(*fallback);
        if (bytes) {
          ++counts.images;
          params.push_back(PgParam::bytes(std::move(*bytes)));
        } else {
          if (fallback) ++counts.missing_images;
          params.emplace_back(std::nullopt);
        }
      }
      ++(counts.*table.count);
      return writer.add(std::move(params));
    });
    if (!read) return R::failure(read.message);
    if (auto flushed = writer.flush(); !flushed) return R::failure(flushed.message);
  }
  for (const auto& [sequence, table] : {std::pair{"notification_ids", "notifications"}, std::pair{"run_ids", "runs"}}) {
    auto set = to.exec("SELECT setval('" + std::string(sequence) + "', coalesce(max(id), 0) + 1, false) FROM " + table);
    if (!set) return R::failure("cannot move the sequence " + std::string(sequence) + ": " + set.error());
  }
  return counts;
}

sdk::Result<StoreCopyCounts> copy_store_to_sqlite(PgSession& from, SqliteDb& to, const std::filesystem::path& image_dir,
                                                  const FilePermissions& permissions) {
  using R = sdk::Result<StoreCopyCounts>;
  if (auto hex = from.exec("SET LOCAL bytea_output = hex"); !hex) return R::failure(hex.error());
  StoreCopyCounts counts;
  for (const auto& table : tables()) {
    std::optional<SqliteStatement> insert;
    try {
      std::string values;
      for (std::size_t c = 1; c <= table.columns.size(); ++c) values += (c == 1 ? "?" : ", ?") + std::to_string(c);
      insert.emplace(to.prepare("INSERT INTO " + std::string(table.name) + "(" + column_list(table, &Column::sqlite) +
                                ") VALUES(" + values + ")"));
    } catch (const std::exception& e) {
      return R::failure("cannot copy " + std::string(table.name) + ": " + e.what());
    }
    auto read = read_pg_table(from, table, [&](const Row& row) {
      for (std::size_t c = 0; c < row.size(); ++c) {
        const int index = static_cast<int>(c) + 1;
        switch (table.columns[c].kind) {
          case Kind::integer: insert->bind(index, integer_of(row[c])); break;
          case Kind::optional_integer:
            insert->bind(index, row[c] ? std::optional<std::int64_t>(std::stoll(*row[c])) : std::nullopt);
            break;
          case Kind::text: insert->bind(index, std::string_view(row[c] ? *row[c] : std::string())); break;
          case Kind::tags: insert->bind(index, stored_tags_text(tags_from_stored_text(row[c].value_or("")))); break;
          case Kind::image: {
            const auto path = image_file(image_dir, table, row);
            std::string written_path;
            if (path && row[c]) {
              auto bytes = decode_pg_bytea(*row[c]);
              if (!bytes) return sdk::Status::failure("cannot copy the image of notification " + *row[0] + ": " + bytes.error());
              if (auto written = write_file_atomically(*path, bytes.value(), permissions); !written) return written;
              written_path = path->string();
              ++counts.images;
            } else if (path) {
              ++counts.missing_images;
            }
            insert->bind(index, std::string_view(written_path));
            break;
          }
        }
      }
      if (!insert->run()) return sdk::Status::failure("cannot copy " + std::string(table.name) + ": " + to.error());
      ++(counts.*table.count);
      return sdk::Status::success();
    });
    if (!read) return R::failure(read.message);
  }
  return counts;
}

}  // namespace notifyd::core
