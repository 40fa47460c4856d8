#pragma once

#include <string>
#include <vector>

namespace notifyctl {

enum class ColumnAlignment { left, right };

/// Rows (the first one being the titles) as text: each column as wide as its
/// widest cell in characters, columns two spaces apart, no trailing spaces.
/// Cells must already be printable (see printable_line).
std::string aligned_table(const std::vector<std::vector<std::string>>& rows,
                          const std::vector<ColumnAlignment>& alignments);

}  // namespace notifyctl
