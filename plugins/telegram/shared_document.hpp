#pragma once
// Read-merge-write of a JSON file the seed's web dashboard writes too.

#include <functional>
#include <optional>
#include <string>

#include "notifyd/sdk/document_store.hpp"
#include "notifyd/sdk/fence.hpp"

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

/// The same read-merge-write made by the bot's leader: written with
/// `write_if` fenced with `fence` (and tried again on the content as it is
/// then while another writer changed the file in between, up to 20 times), so a
/// replica whose lease has passed on writes nothing; that refusal is a
/// failure that says so. Corrupt content is read again as by `update_shared`.
sdk::Status update_shared_fenced(sdk::DocumentStore& store, const std::string& file, const SharedChange& change,
                                 const sdk::Fence& fence);

}  // namespace notifyd::telegram
