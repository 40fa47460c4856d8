#include "shared_document.hpp"

#include <chrono>
#include <thread>

namespace notifyd::telegram {

sdk::Result<sdk::DocumentSnapshot> update_shared(sdk::DocumentStore& store, const std::string& file,
                                                 const SharedChange& change) {
  constexpr int attempts = 5;
  for (int attempt = 1;; ++attempt) {
    bool corrupt = false;
    auto result = store.update(file, [&](const std::optional<std::string>& current) {
      corrupt = false;
      return change(current, corrupt);
    });
    if (result || !corrupt || attempt == attempts) return result;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace notifyd::telegram
