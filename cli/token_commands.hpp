#pragma once
// `token create|list|revoke`: API tokens that publish from other machines
// (`POST /v1/notify` on the web dashboard's address).

#include <string>

#include "api_answers.hpp"
#include "api_client.hpp"
#include "command_line.hpp"
#include "commands.hpp"
#include "exit_code.hpp"

namespace notifyctl {

/// Creates, lists or revokes API tokens through `/v1/tokens`.
ExitCode run_token(const TokenArguments& arguments, const GlobalOptions& options, const ApiClient& client,
                   Console& console);

/// The new token on a line of its own, then its id, name, owner and expiry,
/// and that it is shown only this once.
std::string issued_token_text(const IssuedApiToken& issued);

/// The tokens as a table (ID, NAME, CREATED, EXPIRES); a sentence when there are none.
std::string token_list_text(const ApiTokenList& list);

}  // namespace notifyctl
