#pragma once

#include <string_view>

namespace notifyd::websocket {

/// True when `name` can be a recipient: 1 to 64 bytes of letters, digits and
/// `. _ - @ :`, the same rule the pipeline applies to `Notification::user`.
bool is_valid_user_name(std::string_view name) noexcept;

}  // namespace notifyd::websocket
