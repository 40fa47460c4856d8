#pragma once
// The sign-in file of notifyd before sessions moved to the ephemeral keys.

#include <string>

#include "login_links.hpp"
#include "notifyd/sdk/document_store.hpp"
#include "notifyd/sdk/logger.hpp"
#include "session_store.hpp"

namespace notifyd::webui {

/// Moves the sessions and pending login links that an earlier notifyd saved
/// in the document `webui/<instance>.json` (digests of their tokens, users,
/// times) into `sessions` and `links`, then removes the document, so an
/// upgrade signs nobody out. A missing document is fine; a damaged one is
/// logged and removed; when the keys cannot be written it stays for the next
/// start. Blocking I/O: call at configure.
void adopt_earlier_sign_ins(sdk::DocumentStore& documents, const std::string& instance, SessionStore& sessions,
                            LoginLinks& links, sdk::Logger& log);

}  // namespace notifyd::webui
