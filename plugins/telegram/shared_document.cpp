#include "shared_document.hpp"

#include <chrono>
#include <thread>

namespace notifyd::telegram {

namespace {

constexpr int corrupt_attempts = 5;
constexpr int changed_attempts = 20;
constexpr std::chrono::milliseconds corrupt_pause{20};

}  // namespace

sdk::Status update_shared_fenced(sdk::DocumentStore& store, const std::string& file, const SharedChange& change,
                                 const sdk::Fence& fence) {
  int corrupt_seen = 0;
  for (int changed_seen = 0; changed_seen < changed_attempts;) {
    auto current = store.read_versioned(file);
    if (!current) return sdk::Status::failure(current.error());
    bool corrupt = false;
    auto next = change(current.value().content, corrupt);
    if (!next) {
      if (!corrupt || ++corrupt_seen == corrupt_attempts) return sdk::Status::failure(next.error());
      std::this_thread::sleep_for(corrupt_pause);
      continue;
    }
    if (!next.value()) return sdk::Status::success();
    auto written = store.write_if(file, *next.value(), current.value().version, fence);
    if (!written) return sdk::Status::failure(written.error());
    switch (written.value().outcome) {
      case sdk::WriteOutcome::written:
        return sdk::Status::success();
      case sdk::WriteOutcome::fenced:
        return sdk::Status::failure(file + " was not written: " + fence.lease +
                                    " has passed to another replica or expired");
      case sdk::WriteOutcome::changed:
        ++changed_seen;
        break;
    }
  }
  return sdk::Status::failure(file + " kept changing while it was being written; try again");
}

sdk::Result<sdk::DocumentSnapshot> update_shared(sdk::DocumentStore& store, const std::string& file,
                                                 const SharedChange& change) {
  for (int attempt = 1;; ++attempt) {
    bool corrupt = false;
    auto result = store.update(file, [&](const std::optional<std::string>& current) {
      corrupt = false;
      return change(current, corrupt);
    });
    if (result || !corrupt || attempt == corrupt_attempts) return result;
    std::this_thread::sleep_for(corrupt_pause);
  }
}

}  // namespace notifyd::telegram
