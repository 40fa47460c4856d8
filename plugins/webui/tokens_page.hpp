#pragma once
// The API tokens page: make a token for publishing from other machines
// (shown once), see one's tokens, revoke them. Plain HTML forms.

#include <optional>
#include <string>
#include <vector>

#include "api_tokens.hpp"

namespace notifyd::webui {

/// What the page shows.
struct TokensView {
  std::vector<sdk::api::ApiTokenInfo> tokens;
  std::optional<IssuedToken> issued;  ///< the token just made, shown this once
  std::string problem;                ///< why the last form was refused; empty when it was not
  std::string csrf_token;             ///< for the forms
  std::string notify_url;             ///< where programs publish (`https://host/v1/notify`)
};

/// The page's main content.
std::string render_tokens_page(const TokensView& view);

}  // namespace notifyd::webui
