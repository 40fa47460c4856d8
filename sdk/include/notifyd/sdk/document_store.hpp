#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/any_io_executor.hpp>

#include "notifyd/sdk/fence.hpp"
#include "notifyd/sdk/status.hpp"
#include "notifyd/sdk/subscription.hpp"

namespace notifyd::sdk {

/// Which version of a document is on disk: equal stamps mean the content has
/// not changed since. Files are told apart by device, inode, size and
/// modification and change times, so a replacement by rename and an edit in
/// place are both seen.
struct DocumentStamp {
  bool exists = false;           ///< false when the document is missing (the other members are 0)
  std::uint64_t identity = 0;    ///< device and inode (a content hash for stores without files)
  std::uint64_t size = 0;        ///< bytes
  std::int64_t modified_ns = 0;  ///< last content change (ns since the epoch)
  std::int64_t changed_ns = 0;   ///< last change of the file itself (ns since the epoch)
  /// True when both name the same version.
  friend bool operator==(const DocumentStamp&, const DocumentStamp&) = default;
};

/// A document's content and the stamp of exactly that content.
struct DocumentSnapshot {
  std::optional<std::string> content;  ///< nullopt when the document does not exist
  DocumentStamp stamp;
};

/// A document's content and the version of exactly that content.
struct VersionedDocument {
  std::optional<std::string> content;  ///< nullopt when the document does not exist
  std::uint64_t version = 0;           ///< 0 when it does not exist; a different value after every change
};

/// What `DocumentStore::write_if` did.
enum class WriteOutcome {
  written,  ///< the document has the new content (or is gone, for a removal)
  changed,  ///< refused: the document's version was no longer the expected one
  fenced,   ///< refused: the fence's lease has another holder or has expired
};

/// The answer of `DocumentStore::write_if`.
struct ConditionalWrite {
  WriteOutcome outcome = WriteOutcome::written;
  /// written: the new version (0 after a removal); changed: the version found; fenced: 0.
  std::uint64_t version = 0;
};

/// What `DocumentStore::update` does with the current content (nullopt when the
/// document does not exist): the new content, nullopt to leave the document as
/// it is, or a failure that abandons the update.
using DocumentChange = std::function<Result<std::optional<std::string>>(const std::optional<std::string>& current)>;

/// Small shared documents (`telegram_users.json`, cooldown state): files in
/// the data directory with `[cluster] backend = "local"`, rows in the shared
/// database with `"postgres"`, so every replica sees the same content.
/// Names are relative paths inside the data directory; `..` and absolute
/// names are refused. Writes are atomic (temp file, fsync, rename), so a
/// reader or a crash sees the old or the new content, never a mix. Other
/// programs may change the files while the daemon runs (the seed's web
/// dashboard writes `telegram_users.json` and `pending_codes.json`): a plugin
/// that keeps a parsed copy compares `stamp` before using it, and changes a
/// shared document only through `update`.
/// Blocking I/O (a file or one database round trip): call from a plugin's
/// executor for small documents only.
class DocumentStore {
 public:
  virtual ~DocumentStore() = default;
  /// The content of `name`; nullopt when it does not exist; an error when it cannot be read.
  virtual Result<std::optional<std::string>> read(std::string_view name) const noexcept = 0;
  /// Replaces `name` with `content` atomically, creating parent directories.
  virtual Status write(std::string_view name, std::string_view content) noexcept = 0;
  /// Removes `name`; succeeds when it did not exist.
  virtual Status remove(std::string_view name) noexcept = 0;
  /// The data directory itself (absolute).
  virtual const std::filesystem::path& root() const noexcept = 0;

  /// The stamp of `name` as it is now. For files one `stat`, cheap enough to
  /// call before every use of a cached copy. This default reads the content.
  virtual Result<DocumentStamp> stamp(std::string_view name) const noexcept {
    auto current = snapshot(name);
    if (!current) return Result<DocumentStamp>::failure(current.error());
    return current.value().stamp;
  }

  /// The content of `name` with the stamp of that very content.
  virtual Result<DocumentSnapshot> snapshot(std::string_view name) const noexcept {
    auto content = read(name);
    if (!content) return Result<DocumentSnapshot>::failure(content.error());
    return DocumentSnapshot{content.value(), stamp_of_content(content.value())};
  }

  /// Read-merge-write: reads the current content, hands it to `change` and
  /// writes what `change` answers, with no other writer in between. Files
  /// are locked with `flock(LOCK_EX)` on `<name>.lock` beside the document
  /// for the whole step, which other programs can take too. Returns the
  /// document as it is afterwards. `change` runs on the calling thread and
  /// must not call back into the store.
  virtual Result<DocumentSnapshot> update(std::string_view name, const DocumentChange& change) noexcept {
    try {
      auto current = read(name);
      if (!current) return Result<DocumentSnapshot>::failure(current.error());
      auto next = change(current.value());
      if (!next) return Result<DocumentSnapshot>::failure(next.error());
      if (!next.value()) return DocumentSnapshot{current.value(), stamp_of_content(current.value())};
      if (auto written = write(name, *next.value()); !written) return Result<DocumentSnapshot>::failure(written.message);
      return DocumentSnapshot{next.value(), stamp_of_content(next.value())};
    } catch (const std::exception& e) {
      return Result<DocumentSnapshot>::failure(e.what());
    }
  }

  /// Used as `expected` in `write_if`: write whatever the current version is
  /// (the write is still fenced).
  static constexpr std::uint64_t any_version = ~std::uint64_t{0};

  /// The content of `name` and its version, for a later `write_if`. This
  /// default derives the version from the stamp.
  virtual Result<VersionedDocument> read_versioned(std::string_view name) const noexcept {
    auto current = snapshot(name);
    if (!current) return Result<VersionedDocument>::failure(current.error());
    return VersionedDocument{std::move(current.value().content), version_of(current.value().stamp)};
  }

  /// Compare-and-set: replaces `name` with `content` (removes it when
  /// nullopt) only if its version is still `expected` (0: only if it does not
  /// exist; `any_version`: whatever it is) and, when `fence` names a holding,
  /// only while that holding is current. The check and the write are one
  /// atomic step for every replica. An error means nothing was written. This
  /// default goes through `update` and refuses fenced writes (a store
  /// without leases cannot check them).
  virtual Result<ConditionalWrite> write_if(std::string_view name, std::optional<std::string_view> content,
                                            std::uint64_t expected, const Fence& fence = {}) noexcept {
    using R = Result<ConditionalWrite>;
    if (fence) return R::failure("this document store cannot check a lease's fence");
    ConditionalWrite outcome;
    auto updated = update(name, [&](const std::optional<std::string>& current) -> Result<std::optional<std::string>> {
      const auto found = version_of(stamp_of_content(current));
      if (expected != any_version && found != expected) {
        outcome = {WriteOutcome::changed, found};
        return std::optional<std::string>{};
      }
      outcome = {WriteOutcome::written, 0};
      if (!content) return std::optional<std::string>{};
      return std::optional<std::string>{std::string(*content)};
    });
    if (!updated) return R::failure(updated.error());
    if (outcome.outcome == WriteOutcome::written) {
      if (!content) {
        if (auto removed = remove(name); !removed) return R::failure(removed.message);
      } else {
        outcome.version = version_of(updated.value().stamp);
      }
    }
    return outcome;
  }

  /// Calls `changed(name)` on `executor` after a document whose name starts
  /// with `prefix` changed or was removed, whoever changed it (this
  /// process, another program, another replica). Changes close together may
  /// be reported once; none is missed for longer than about a second. Ends
  /// with the returned subscription.
  virtual Subscription watch(std::string prefix, boost::asio::any_io_executor executor,
                             std::function<void(std::string name)> changed) noexcept = 0;

 protected:
  /// A stamp made from the content itself, for stores that keep no files.
  static DocumentStamp stamp_of_content(const std::optional<std::string>& content) noexcept {
    if (!content) return {};
    return DocumentStamp{true, std::hash<std::string_view>{}(*content), content->size(), 0, 0};
  }
  /// A version made from a stamp: 0 for a missing document, never 0 or
  /// `any_version` otherwise.
  static std::uint64_t version_of(const DocumentStamp& stamp) noexcept {
    if (!stamp.exists) return 0;
    std::uint64_t mixed = 1469598103934665603ull;
    for (const auto part : {stamp.identity, stamp.size, static_cast<std::uint64_t>(stamp.modified_ns),
                            static_cast<std::uint64_t>(stamp.changed_ns)}) {
      mixed = (mixed ^ part) * 1099511628211ull;
    }
    return mixed == 0 || mixed == any_version ? 1 : mixed;
  }
};

}  // namespace notifyd::sdk
