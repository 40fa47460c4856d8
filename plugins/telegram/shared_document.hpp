#pragma once
// Read-merge-write of a JSON file the seed's web dashboard writes too.

#include <functional>
#include <optional>
#include <string>

#include "notifyd/sdk/document_store.hpp"

namespace notifyd::telegram {

/// Given the file's current content (nullopt when missing): the new content,
/// nullopt for no change, or a failure. Sets `corrupt` when the content does not parse.
using SharedChange =
    std::function<sdk::Result<std::optional<std::string>>(const std::optional<std::string>& current, bool& corrupt)>;

/// `store.update(file, ...)`, tried again (up to 5 times, 20 ms apart) while
/// `change` finds the content corrupt: a program that writes the file in
/// place leaves it half-written for a moment. The last failure is returned.
sdk::Result<sdk::DocumentSnapshot> update_shared(sdk::DocumentStore& store, const std::string& file,
                                                 const SharedChange& change);

}  // namespace notifyd::telegram
