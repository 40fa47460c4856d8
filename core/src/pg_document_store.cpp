#include "pg_document_store.hpp"

#include <boost/asio/post.hpp>

namespace notifyd::core {
namespace {

// How many changes one cursor read reports at most (the next read follows at once).
constexpr std::size_t cursor_batch = 1000;
constexpr std::chrono::milliseconds cursor_timeout{5000};

/// A document's row: content nullopt when it is missing or removed.
struct Row {
  std::optional<std::string> content;
  std::uint64_t version = 0;
  std::int64_t changed_ns = 0;
};

sdk::Result<std::string> document_name(std::string_view name) {
  using R = sdk::Result<std::string>;
  if (name.find('\0') != std::string_view::npos) return R::failure("document name must not contain NUL");
  const std::filesystem::path relative{std::string(name)};
  if (name.empty() || relative.is_absolute()) {
    return R::failure("document name must be a relative path: \"" + std::string(name) + "\"");
  }
  for (const auto& part : relative) {
    if (part == "..") return R::failure("document name must stay inside the data directory: \"" + std::string(name) + "\"");
  }
  auto normal = relative.lexically_normal().generic_string();
  if (normal.empty() || normal == "." || normal.ends_with('/')) {
    return R::failure("document name must name a file: \"" + std::string(name) + "\"");
  }
  return normal;
}

std::uint64_t number(const std::optional<std::string>& text) { return text ? std::stoull(*text) : 0; }

Row row_of(const std::vector<std::optional<std::string>>& row) {
  Row out;
  out.content = row.at(0);
  out.version = out.content ? number(row.at(1)) : 0;
  out.changed_ns = out.content ? static_cast<std::int64_t>(std::stoll(row.at(2).value_or("0"))) * 1000 : 0;
  return out;
}

// Columns are read in binary: content as its bytes, the rest cast to text.
constexpr std::string_view row_columns =
    "content, version::text, (extract(epoch FROM changed_at) * 1000000)::bigint::text";

sdk::Result<Row> read_row(PgSession& session, const std::string& name) {
  auto found = session.exec("SELECT " + std::string(row_columns) + " FROM documents WHERE name = $1", {name}, true);
  if (!found) return sdk::Result<Row>::failure("cannot read document " + name + ": " + found.error());
  if (found.value().rows.empty()) return Row{};
  return row_of(found.value().rows.front());
}

sdk::Status lock_documents(PgSession& session) {
  auto locked = session.exec("SELECT pg_advisory_xact_lock(" + std::string(PgDocumentStore::versions_lock) + ")");
  return locked ? sdk::Status::success() : sdk::Status::failure(locked.error());
}

// Inside a transaction that holds the documents lock: sets `name` to
// `content` (removes it when nullopt) and rings the doorbell when that
// changed anything. The row as it is now.
sdk::Result<Row> store_row(PgSession& session, const std::string& name, const std::optional<std::string_view>& content) {
  using R = sdk::Result<Row>;
  const std::string returning = " RETURNING " + std::string(row_columns);
  sdk::Result<PgRows> stored = PgRows{};
  if (content) {
    if (content->size() > PgDocumentStore::max_document_bytes) {
      return R::failure("document " + name + " is larger than " + std::to_string(PgDocumentStore::max_document_bytes) +
                        " bytes");
    }
    stored = session.exec(
        "INSERT INTO documents(name, content, version, changed_at) "
        "VALUES ($1, $2, nextval('document_versions'), clock_timestamp()) "
        "ON CONFLICT (name) DO UPDATE SET content = excluded.content, version = excluded.version, "
        "changed_at = excluded.changed_at" +
            returning,
        {name, PgParam::bytes(std::string(*content))}, true);
  } else {
    stored = session.exec(
        "UPDATE documents SET content = NULL, version = nextval('document_versions'), changed_at = clock_timestamp() "
        "WHERE name = $1 AND content IS NOT NULL" +
            returning,
        {name}, true);
  }
  if (!stored) return R::failure("cannot write document " + name + ": " + stored.error());
  if (stored.value().rows.empty()) return Row{};
  if (auto rung = session.exec("SELECT pg_notify('" + std::string(PgDocumentStore::doorbell) + "', '')"); !rung) {
    return R::failure("cannot write document " + name + ": " + rung.error());
  }
  return row_of(stored.value().rows.front());
}

// `write_if` as one statement, so no transaction stays open between round
// trips (a writer frozen mid-way would hold the lease row until the server
// ends its session): the lease row is locked FOR SHARE where it still names
// the fence's holding (a takeover waits for the statement; a stale holding
// finds no row, and then nothing else runs), the documents lock is taken
// before the new version is drawn, and the compare is part of the write,
// which PostgreSQL re-checks against the newest row. Answers, as text: how
// many lease rows matched (1 when unfenced), the version written (NULL when
// nothing was), and the version the statement found (0: none).
struct Statement {
  std::string sql;
  std::vector<PgParam> params;
};

Statement conditional_write(const std::string& name, const std::optional<std::string_view>& content,
                            std::uint64_t expected, const sdk::Fence& fence) {
  Statement statement{{}, {PgParam{name}}};
  const auto param = [&](PgParam value) {
    statement.params.push_back(std::move(value));
    return "$" + std::to_string(statement.params.size());
  };
  std::string holding = "SELECT 1";
  if (fence) {
    holding = "SELECT 1 FROM leases WHERE name = " + param(PgParam{fence.lease}) + " AND holder = " +
              param(PgParam{fence.holder}) + " AND epoch = " + param(PgParam{std::to_string(fence.epoch)}) +
              "::bigint AND expires_at > clock_timestamp() FOR SHARE";
  }
  std::string matches = "TRUE";
  if (expected == 0) {
    matches = content ? "d.content IS NULL" : "FALSE";
  } else if (expected != sdk::DocumentStore::any_version) {
    matches = "d.content IS NOT NULL AND d.version = " + param(PgParam{std::to_string(expected)}) + "::bigint";
  }
  std::string write;
  if (!content) {
    write = "UPDATE documents AS d SET content = NULL, version = nextval('document_versions'), "
            "changed_at = clock_timestamp() FROM locked WHERE d.name = $1 AND d.content IS NOT NULL AND " +
            matches;
  } else if (expected == 0 || expected == sdk::DocumentStore::any_version) {
    write = "INSERT INTO documents AS d (name, content, version, changed_at) SELECT $1::text, " +
            param(PgParam::bytes(std::string(*content))) +
            "::bytea, nextval('document_versions'), clock_timestamp() FROM locked "
            "ON CONFLICT (name) DO UPDATE SET content = excluded.content, version = excluded.version, "
            "changed_at = excluded.changed_at WHERE " +
            matches;
  } else {
    write = "UPDATE documents AS d SET content = " + param(PgParam::bytes(std::string(*content))) +
            "::bytea, version = nextval('document_versions'), changed_at = clock_timestamp() FROM locked "
            "WHERE d.name = $1 AND " +
            matches;
  }
  statement.sql = "WITH holding AS MATERIALIZED (" + holding +
                  "), locked AS MATERIALIZED (SELECT pg_advisory_xact_lock(" +
                  std::string(PgDocumentStore::versions_lock) + ") FROM holding), stored AS (" + write +
                  " RETURNING d.version), rung AS (SELECT pg_notify('" + std::string(PgDocumentStore::doorbell) +
                  "', '') FROM stored) SELECT (SELECT count(*) FROM holding)::text, "
                  "(SELECT version FROM stored)::text, "
                  "(SELECT coalesce(max(version), 0) FROM documents WHERE name = $1 AND content IS NOT NULL)::text, "
                  "(SELECT count(*) FROM rung)::text";
  return statement;
}

sdk::DocumentStamp stamp_of(const Row& row) {
  if (!row.content) return {};
  return sdk::DocumentStamp{true, row.version, row.content->size(), row.changed_ns, row.changed_ns};
}

}  // namespace

struct PgDocumentStore::Watcher {
  std::string prefix;
  boost::asio::any_io_executor executor;
  std::function<void(std::string)> changed;
  std::atomic<bool> active{true};
};

/// Follows `version > last` on the link's strand and tells the watchers.
class PgDocumentStore::Cursor : public std::enable_shared_from_this<Cursor> {
 public:
  explicit Cursor(std::shared_ptr<ReconnectingPgConnection> link) : link_(std::move(link)), timer_(link_->strand()) {}

  void follow_link() {
    std::weak_ptr<Cursor> weak = shared_from_this();
    link_->listen(std::string(doorbell), [weak](std::string) {
      if (auto self = weak.lock()) self->read();
    });
    link_->on_connected([weak] {
      if (auto self = weak.lock()) self->read();
    });
  }

  void begin(std::uint64_t last) {
    boost::asio::post(link_->strand(), [self = shared_from_this(), last] {
      self->last_ = last;
      self->started_ = true;
      self->tick();
    });
  }

  void add(std::shared_ptr<Watcher> watcher) {
    std::lock_guard lock(mutex_);
    if (!stopped_) watchers_.push_back(std::move(watcher));
  }

  void drop(const Watcher* watcher) {
    std::lock_guard lock(mutex_);
    std::erase_if(watchers_, [&](const auto& each) { return each.get() == watcher; });
  }

  void stop() {
    {
      std::lock_guard lock(mutex_);
      stopped_ = true;
      for (auto& watcher : watchers_) watcher->active = false;
      watchers_.clear();
    }
    boost::asio::post(link_->strand(), [self = shared_from_this()] {
      self->started_ = false;
      self->timer_.cancel();
    });
  }

 private:
  void tick() {
    read();
    timer_.expires_after(cursor_period);
    timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
      if (!ec && self->started_) self->tick();
    });
  }

  void read() {
    if (!started_) return;
    if (reading_) {
      read_again_ = true;
      return;
    }
    reading_ = true;
    read_again_ = false;
    link_->execute("SELECT name, version FROM documents WHERE version > $1 ORDER BY version LIMIT " +
                       std::to_string(cursor_batch),
                   {std::to_string(last_)}, cursor_timeout,
                   // Weakly: the link's queue must not keep its owner's owner alive.
                   [weak = weak_from_this()](std::optional<PgError> error, PgRows rows) {
                     auto self = weak.lock();
                     if (!self) return;
                     self->reading_ = false;
                     if (!self->started_) return;
                     if (!error) {
                       for (const auto& row : rows.rows) {
                         self->last_ = number(row.at(1));
                         self->announce(row.at(0).value_or(""));
                       }
                     }
                     if (self->read_again_ || (!error && rows.rows.size() == cursor_batch)) self->read();
                   });
  }

  void announce(const std::string& name) {
    std::lock_guard lock(mutex_);
    for (const auto& watcher : watchers_) {
      if (!name.starts_with(watcher->prefix)) continue;
      boost::asio::post(watcher->executor, [watcher, name] {
        if (watcher->active) watcher->changed(name);
      });
    }
  }

  std::shared_ptr<ReconnectingPgConnection> link_;
  boost::asio::steady_timer timer_;
  std::uint64_t last_ = 0;  // the rest on the link's strand
  bool started_ = false;
  bool reading_ = false;
  bool read_again_ = false;
  std::mutex mutex_;
  bool stopped_ = false;  // under mutex_, with watchers_
  std::vector<std::shared_ptr<Watcher>> watchers_;
};

PgDocumentStore::PgDocumentStore(PgSessionPool& pool, std::shared_ptr<ReconnectingPgConnection> link,
                                 std::filesystem::path root)
    : pool_(pool), root_(std::move(root)), cursor_(std::make_shared<Cursor>(std::move(link))) {
  cursor_->follow_link();
}

PgDocumentStore::~PgDocumentStore() { stop(); }

sdk::Status PgDocumentStore::start() {
  auto newest = pool_.with([](PgSession& session) { return session.exec("SELECT coalesce(max(version), 0) FROM documents"); });
  if (!newest) return sdk::Status::failure("cannot read the documents' newest version: " + newest.error());
  cursor_->begin(number(newest.value().rows.at(0).at(0)));
  return sdk::Status::success();
}

void PgDocumentStore::stop() { cursor_->stop(); }

sdk::Result<sdk::DocumentSnapshot> PgDocumentStore::snapshot(std::string_view name) const noexcept {
  using R = sdk::Result<sdk::DocumentSnapshot>;
  try {
    auto valid = document_name(name);
    if (!valid) return R::failure(valid.error());
    auto row = pool_.with([&](PgSession& session) { return read_row(session, valid.value()); });
    if (!row) return R::failure(row.error());
    return sdk::DocumentSnapshot{row.value().content, stamp_of(row.value())};
  } catch (const std::exception& e) {
    return R::failure(e.what());
  }
}

sdk::Result<std::optional<std::string>> PgDocumentStore::read(std::string_view name) const noexcept {
  auto current = snapshot(name);
  if (!current) return sdk::Result<std::optional<std::string>>::failure(current.error());
  return std::move(current.value().content);
}

sdk::Result<sdk::DocumentStamp> PgDocumentStore::stamp(std::string_view name) const noexcept {
  auto current = snapshot(name);
  if (!current) return sdk::Result<sdk::DocumentStamp>::failure(current.error());
  return current.value().stamp;
}

sdk::Result<sdk::VersionedDocument> PgDocumentStore::read_versioned(std::string_view name) const noexcept {
  auto current = snapshot(name);
  if (!current) return sdk::Result<sdk::VersionedDocument>::failure(current.error());
  return sdk::VersionedDocument{std::move(current.value().content), current.value().stamp.identity};
}

sdk::Status PgDocumentStore::write(std::string_view name, std::string_view content) noexcept {
  auto written = write_if(name, content, any_version);
  return written ? sdk::Status::success() : sdk::Status::failure(written.error());
}

sdk::Status PgDocumentStore::remove(std::string_view name) noexcept {
  auto removed = write_if(name, std::nullopt, any_version);
  return removed ? sdk::Status::success() : sdk::Status::failure(removed.error());
}

sdk::Result<sdk::DocumentSnapshot> PgDocumentStore::update(std::string_view name,
                                                           const sdk::DocumentChange& change) noexcept {
  using R = sdk::Result<sdk::DocumentSnapshot>;
  try {
    auto valid = document_name(name);
    if (!valid) return R::failure(valid.error());
    return pool_.transaction<sdk::DocumentSnapshot>([&](PgSession& session) -> R {
      if (auto locked = lock_documents(session); !locked) return R::failure(locked.message);
      auto current = read_row(session, valid.value());
      if (!current) return R::failure(current.error());
      auto next = change(current.value().content);
      if (!next) return R::failure(next.error());
      if (!next.value()) return sdk::DocumentSnapshot{current.value().content, stamp_of(current.value())};
      auto stored = store_row(session, valid.value(), std::string_view(*next.value()));
      if (!stored) return R::failure(stored.error());
      return sdk::DocumentSnapshot{stored.value().content, stamp_of(stored.value())};
    });
  } catch (const std::exception& e) {
    return R::failure(e.what());
  }
}

sdk::Result<sdk::ConditionalWrite> PgDocumentStore::write_if(std::string_view name,
                                                             std::optional<std::string_view> content,
                                                             std::uint64_t expected, const sdk::Fence& fence) noexcept {
  using R = sdk::Result<sdk::ConditionalWrite>;
  try {
    auto valid = document_name(name);
    if (!valid) return R::failure(valid.error());
    if (content && content->size() > max_document_bytes) {
      return R::failure("document " + valid.value() + " is larger than " + std::to_string(max_document_bytes) +
                        " bytes");
    }
    auto statement = conditional_write(valid.value(), content, expected, fence);
    auto answer = pool_.with([&](PgSession& session) { return session.exec(statement.sql, statement.params); });
    if (!answer) {
      return R::failure((fence ? "cannot check the fence of lease " + fence.lease + " and write document "
                               : "cannot write document ") +
                        valid.value() + ": " + answer.error());
    }
    const auto& row = answer.value().rows.at(0);
    if (number(row.at(0)) == 0) {
      if (fenced_) fenced_->inc();
      return sdk::ConditionalWrite{sdk::WriteOutcome::fenced, 0};
    }
    if (row.at(1)) return sdk::ConditionalWrite{sdk::WriteOutcome::written, content ? number(row.at(1)) : 0};
    std::uint64_t found = number(row.at(2));
    if (!content && found == 0 && (expected == 0 || expected == any_version)) {
      return sdk::ConditionalWrite{sdk::WriteOutcome::written, 0};  // nothing to remove
    }
    if (found == expected) {
      // The statement's snapshot predates the change that refused the write: read what it left.
      auto now = pool_.with([&](PgSession& session) { return read_row(session, valid.value()); });
      if (!now) return R::failure(now.error());
      found = now.value().version;
    }
    return sdk::ConditionalWrite{sdk::WriteOutcome::changed, found};
  } catch (const std::exception& e) {
    return R::failure(e.what());
  }
}

sdk::Subscription PgDocumentStore::watch(std::string prefix, boost::asio::any_io_executor executor,
                                         std::function<void(std::string name)> changed) noexcept {
  auto watcher = std::make_shared<Watcher>();
  watcher->prefix = std::move(prefix);
  watcher->executor = std::move(executor);
  watcher->changed = std::move(changed);
  cursor_->add(watcher);
  return sdk::Subscription([weak = std::weak_ptr<Cursor>(cursor_), watcher] {
    watcher->active = false;
    if (auto cursor = weak.lock()) cursor->drop(watcher.get());
  });
}

}  // namespace notifyd::core
