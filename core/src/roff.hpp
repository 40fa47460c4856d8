#pragma once

#include <string>
#include <string_view>

namespace notifyd::core {

/// `text` made safe as roff running text: backslashes escaped, hyphens as
/// \- (so options copy and search right), and a line starting with `.` or
/// `'` (a request) protected.
std::string roff_escape(std::string_view text);

/// The `.TH` line and the preamble of a manual page.
std::string roff_title(std::string_view name, std::string_view section, std::string_view version,
                       std::string_view manual);

}  // namespace notifyd::core
