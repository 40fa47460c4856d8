#pragma once
// Where a dashboard keeps its sessions and pending login links between runs.

#include <string>

#include "login_links.hpp"
#include "notifyd/sdk/document_store.hpp"
#include "notifyd/sdk/logger.hpp"
#include "session_store.hpp"

namespace notifyd::webui {

/// The file `webui/<instance>.json` in the data directory: the sessions and
/// pending login links of one dashboard, so a reload or a restart signs
/// nobody out. It holds digests of the tokens, never the tokens themselves.
/// Blocking file I/O: use it on the plugin's executor (or at stop).
class SignInFile {
 public:
  SignInFile(sdk::DocumentStore& documents, const std::string& instance, sdk::Logger& log);

  /// Adds what the file holds to `sessions` and `links`. A missing file is
  /// fine; a damaged one is logged and replaced at the next save.
  void load(SessionStore& sessions, LoginLinks& links);
  /// Writes both atomically; a failure is logged (the stores keep working).
  void save(const SessionStore& sessions, const LoginLinks& links);

 private:
  sdk::DocumentStore& documents_;
  std::string name_;
  sdk::Logger& log_;
};

}  // namespace notifyd::webui
