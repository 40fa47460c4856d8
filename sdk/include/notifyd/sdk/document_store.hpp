#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "notifyd/sdk/status.hpp"

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

/// What `DocumentStore::update` does with the current content (nullopt when the
/// document does not exist): the new content, nullopt to leave the document as
/// it is, or a failure that abandons the update.
using DocumentChange = std::function<Result<std::optional<std::string>>(const std::optional<std::string>& current)>;

/// Small files in the data directory (`telegram_users.json`, cooldown state).
/// Names are relative paths inside the data directory; `..` and absolute
/// names are refused. Writes are atomic (temp file, fsync, rename), so a
/// reader or a crash sees the old or the new content, never a mix. Other
/// programs may change the files while the daemon runs (the seed's web
/// dashboard writes `telegram_users.json` and `pending_codes.json`): a plugin
/// that keeps a parsed copy compares `stamp` before using it, and changes a
/// shared document only through `update`.
/// Blocking file I/O: call from a plugin's executor for small files only.
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

 protected:
  /// A stamp made from the content itself, for stores that keep no files.
  static DocumentStamp stamp_of_content(const std::optional<std::string>& content) noexcept {
    if (!content) return {};
    return DocumentStamp{true, std::hash<std::string_view>{}(*content), content->size(), 0, 0};
  }
};

}  // namespace notifyd::sdk
