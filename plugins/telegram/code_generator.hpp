#pragma once

#include <functional>
#include <optional>
#include <string>

namespace notifyd::telegram {

/// Makes verification codes; nullopt when no randomness is available.
using CodeSource = std::function<std::optional<std::string>()>;

/// Six uniformly random digits from OpenSSL's CSPRNG (RAND_bytes, with
/// rejection sampling so no digit string is likelier than another).
std::optional<std::string> random_code();

}  // namespace notifyd::telegram
