#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <boost/asio/any_io_executor.hpp>

#include "notifyd/sdk/document_store.hpp"
#include "notifyd/sdk/subscription.hpp"

namespace notifyd::core {

/// The watches of one document store (`sdk::DocumentStore::watch`). A write
/// through the store reports the document to its watchers at once
/// (`written`); a thread of its own compares the stamps of every watched
/// prefix about every `interval` and reports what changed otherwise (another
/// program rewrote a file). The thread starts with the first watch and is
/// joined on destruction; it only posts, to each watch's executor.
class DocumentWatchers {
 public:
  /// The documents whose names start with a prefix, with their stamps.
  using Stamps = std::map<std::string, sdk::DocumentStamp>;
  /// Lists the documents under a prefix; nullopt when that failed this time.
  using Scan = std::function<std::optional<Stamps>(const std::string& prefix)>;

  DocumentWatchers(Scan scan, std::chrono::milliseconds interval);
  ~DocumentWatchers();
  DocumentWatchers(const DocumentWatchers&) = delete;
  DocumentWatchers& operator=(const DocumentWatchers&) = delete;

  /// Reports changes of documents under `prefix` to `changed`, on a strand
  /// over `executor`, until the subscription ends.
  sdk::Subscription watch(std::string prefix, boost::asio::any_io_executor executor,
                          std::function<void(std::string name)> changed);
  /// Document `name` now has `stamp` (a write or removal through the store).
  void written(std::string_view name, const sdk::DocumentStamp& stamp);

 private:
  struct Watch;
  struct Shared {
    std::mutex mutex;
    std::vector<std::shared_ptr<Watch>> watches;
  };

  void poll();
  std::vector<std::shared_ptr<Watch>> current_watches();

  Scan scan_;
  const std::chrono::milliseconds interval_;
  std::shared_ptr<Shared> shared_;  ///< also held (weakly) by subscriptions, which may outlive this
  std::mutex thread_mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;  ///< last: joined first
};

}  // namespace notifyd::core
