#include "document_watchers.hpp"

#include <boost/asio/strand.hpp>

#include "notifyd/sdk/callback_scope.hpp"
#include "notifyd/sdk/thread_name.hpp"

namespace notifyd::core {

struct DocumentWatchers::Watch {
  Watch(std::string p, boost::asio::any_io_executor executor, std::function<void(std::string)> changed)
      : prefix(std::move(p)), scope(boost::asio::make_strand(executor)), report(scope.wrap(std::move(changed))) {}

  const std::string prefix;
  sdk::CallbackScope scope;
  std::function<void(std::string)> report;
  std::mutex mutex;  ///< guards `seen`; held while the prefix is scanned
  Stamps seen;       ///< the stamps last reported or seen
};

DocumentWatchers::DocumentWatchers(Scan scan, std::chrono::milliseconds interval)
    : scan_(std::move(scan)), interval_(interval), shared_(std::make_shared<Shared>()) {}

DocumentWatchers::~DocumentWatchers() {
  {
    std::lock_guard lock(thread_mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  for (const auto& watch : current_watches()) watch->scope.close();
}

std::vector<std::shared_ptr<DocumentWatchers::Watch>> DocumentWatchers::current_watches() {
  std::lock_guard lock(shared_->mutex);
  return shared_->watches;
}

sdk::Subscription DocumentWatchers::watch(std::string prefix, boost::asio::any_io_executor executor,
                                          std::function<void(std::string name)> changed) {
  auto watch = std::make_shared<Watch>(std::move(prefix), std::move(executor), std::move(changed));
  {
    std::lock_guard lock(watch->mutex);
    watch->seen = scan_(watch->prefix).value_or(Stamps{});
  }
  {
    std::lock_guard lock(shared_->mutex);
    shared_->watches.push_back(watch);
  }
  {
    std::lock_guard lock(thread_mutex_);
    if (!thread_.joinable() && !stopping_) thread_ = std::thread([this] { poll(); });
  }
  return sdk::Subscription([weak = std::weak_ptr<Shared>(shared_), watch] {
    if (auto shared = weak.lock()) {
      std::lock_guard lock(shared->mutex);
      std::erase(shared->watches, watch);
    }
    watch->scope.close();
  });
}

void DocumentWatchers::written(std::string_view name, const sdk::DocumentStamp& stamp) {
  for (const auto& watch : current_watches()) {
    if (!name.starts_with(watch->prefix)) continue;
    {
      std::lock_guard lock(watch->mutex);
      if (stamp.exists) {
        watch->seen[std::string(name)] = stamp;
      } else {
        watch->seen.erase(std::string(name));
      }
    }
    watch->report(std::string(name));
  }
}

void DocumentWatchers::poll() {
  sdk::name_this_thread("doc-watch");
  std::unique_lock thread_lock(thread_mutex_);
  while (!wake_.wait_for(thread_lock, interval_, [this] { return stopping_; })) {
    thread_lock.unlock();
    for (const auto& watch : current_watches()) {
      std::vector<std::string> changed;
      {
        std::lock_guard lock(watch->mutex);
        auto scanned = scan_(watch->prefix);
        if (!scanned) continue;
        auto& now = *scanned;
        for (const auto& [name, stamp] : now) {
          const auto before = watch->seen.find(name);
          if (before == watch->seen.end() || !(before->second == stamp)) changed.push_back(name);
        }
        for (const auto& [name, stamp] : watch->seen) {
          if (!now.contains(name)) changed.push_back(name);
        }
        watch->seen = std::move(now);
      }
      for (auto& name : changed) watch->report(std::move(name));
    }
    thread_lock.lock();
  }
}

}  // namespace notifyd::core
