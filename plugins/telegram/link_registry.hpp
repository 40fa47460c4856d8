#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "notifyd/sdk/document_store.hpp"
#include "notifyd/sdk/fence.hpp"
#include "notifyd/sdk/status.hpp"

namespace notifyd::telegram {

/// One user's link to a Telegram chat, as `telegram_users.json` keeps it.
struct Link {
  std::int64_t chat_id = 0;
  std::string linked_at;  ///< ISO-8601, as written when linked (the seed's format is kept as read)
  bool active = true;     ///< false while the user has blocked the bot (stored only when false)
  std::map<std::string, std::string> other;  ///< members this version does not know, kept as JSON text
};

/// Every link, by user name.
using Links = std::map<std::string, Link, std::less<>>;

/// Parses the seed's `{"alice": {"chat_id": 123, "linked_at": "..."}}`.
/// Entries without a usable chat_id are skipped; a file that is not a JSON object is an error.
sdk::Result<Links> parse_links(std::string_view text);
/// Writes links in the same format (pretty-printed); `active` appears only when false.
std::string serialize_links(const Links& links);

/// The links of users to chats, kept in a file that other programs (the
/// seed's web dashboard) read and write too. Every read looks at the file's
/// stamp first and re-reads it when it changed; every change is a
/// read-merge-write of the current file under the store's lock, so a link
/// another program wrote is never lost. Thread-safe: `reaches` is called by
/// the pipeline from any thread; changes come from the plugin's strand.
class LinkRegistry {
 public:
  LinkRegistry(sdk::DocumentStore& store, std::string file);

  /// Reads the file; a missing file is an empty registry, a corrupt one an error.
  sdk::Status load();
  /// The user's link, or nullopt.
  std::optional<Link> find(std::string_view user) const;
  /// Users linked to `chat`, sorted.
  std::vector<std::string> users_of(std::int64_t chat) const;
  /// True when `user` is linked and the link is active.
  bool reaches(std::string_view user) const;
  /// Number of links.
  std::size_t size() const;
  /// Every link, by user.
  Links all() const;

  /// Links `user` to `chat` (replacing an earlier link) and saves.
  sdk::Status link(const std::string& user, std::int64_t chat, std::string linked_at);
  /// Removes `user`'s link and saves; the removed link, or nullopt when there was none.
  sdk::Result<std::optional<Link>> unlink(std::string_view user);
  /// Marks every link to `chat` active or not and saves; the users whose
  /// state changed. The bot's leader passes its `fence` (see `migrate`).
  sdk::Result<std::vector<std::string>> set_active(std::int64_t chat, bool active, const sdk::Fence& fence = {});
  /// Moves every link of `from` to `to` (a group that became a supergroup)
  /// and saves, fenced with `fence` when it names a holding: what the bot's
  /// leader learns from Telegram is saved only while it leads.
  sdk::Result<std::vector<std::string>> migrate(std::int64_t from, std::int64_t to, const sdk::Fence& fence = {});

 private:
  // Changes the links as the file holds them now, fenced with `fence` when it
  // names a holding; `apply` answers whether it changed anything.
  sdk::Status change(const std::function<bool(Links&)>& apply, const sdk::Fence& fence = {});
  // Re-reads the file when its stamp differs from the copy's.
  void refresh() const;
  // Re-reads the file. A file that does not parse (another program is
  // writing it in place) leaves the copy as it is.
  void reread() const;

  sdk::DocumentStore& store_;
  std::string file_;
  mutable std::shared_mutex mutex_;
  mutable Links links_;
  mutable sdk::DocumentStamp stamp_;
};

}  // namespace notifyd::telegram
