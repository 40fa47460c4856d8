#pragma once

#include <string>
#include <string_view>

namespace notifyctl {

/// Standard base64 (RFC 4648 section 4) with `=` padding.
std::string base64_encode(std::string_view bytes);

}  // namespace notifyctl
