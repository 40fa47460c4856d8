#include "text_table.hpp"

#include <algorithm>

#include "terminal_text.hpp"

namespace notifyctl {

std::string aligned_table(const std::vector<std::vector<std::string>>& rows,
                          const std::vector<ColumnAlignment>& alignments) {
  std::vector<std::size_t> widths(alignments.size(), 0);
  for (const auto& row : rows) {
    for (std::size_t column = 0; column < row.size() && column < widths.size(); ++column) {
      widths[column] = std::max(widths[column], character_count(row[column]));
    }
  }
  std::string text;
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t column = 0; column < row.size() && column < widths.size(); ++column) {
      const std::string& cell = row[column];
      const std::string padding(widths[column] - std::min(widths[column], character_count(cell)), ' ');
      if (column > 0) line += "  ";
      line += alignments[column] == ColumnAlignment::right ? padding + cell : cell + padding;
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    text += line + '\n';
  }
  return text;
}

}  // namespace notifyctl
