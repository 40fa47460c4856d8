#include "users_text.hpp"

#include <algorithm>
#include <vector>

#include "terminal_text.hpp"
#include "text_table.hpp"

namespace notifyctl {
namespace {

}  // namespace

std::string users_text(const LinkedUserList& list) {
  if (list.users.empty()) return "no linked users (a user links with /start in a chat with the bot)\n";
  std::vector<LinkedUser> users = list.users;
  std::stable_sort(users.begin(), users.end(), [](const LinkedUser& a, const LinkedUser& b) { return a.user < b.user; });
  std::vector<std::vector<std::string>> rows{{"USER", "CHAT ID", "LINKED AT", "STATE"}};
  std::size_t blocked = 0;
  for (const LinkedUser& user : users) {
    rows.push_back({user.user.empty() ? std::string("?") : printable_line(user.user),
                    std::to_string(user.chat_id),
                    user.linked_at.empty() ? std::string("?") : printable_line(user.linked_at),
                    user.active ? "active" : "blocked"});
    if (!user.active) ++blocked;
  }
  std::string text = aligned_table(
      rows, {ColumnAlignment::left, ColumnAlignment::right, ColumnAlignment::left, ColumnAlignment::left});
  text += std::to_string(users.size()) + (users.size() == 1 ? " linked user" : " linked users");
  if (blocked > 0) text += " (" + std::to_string(blocked) + " blocked)";
  return text + '\n';
}

}  // namespace notifyctl
