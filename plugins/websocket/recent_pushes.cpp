#include "recent_pushes.hpp"

#include <charconv>

namespace notifyd::websocket {

std::vector<std::string> RecentPushes::notes(const std::vector<std::pair<std::uint64_t, std::string>>& pushes,
                                             std::size_t max_bytes) {
  std::vector<std::string> out;
  std::string note;
  for (const auto& [id, user] : pushes) {
    const std::string item = std::to_string(id) + ":" + user;
    if (!note.empty() && note.size() + 1 + item.size() > max_bytes) {
      out.push_back(std::move(note));
      note.clear();
    }
    if (!note.empty()) note += ',';
    note += item;
  }
  if (!note.empty()) out.push_back(std::move(note));
  return out;
}

std::vector<std::pair<std::uint64_t, std::string>> RecentPushes::parse_note(std::string_view note) {
  std::vector<std::pair<std::uint64_t, std::string>> out;
  while (!note.empty()) {
    const auto comma = note.find(',');
    const auto item = note.substr(0, comma);
    note = comma == std::string_view::npos ? std::string_view{} : note.substr(comma + 1);
    const auto colon = item.find(':');
    if (colon == std::string_view::npos || colon + 1 == item.size()) continue;
    std::uint64_t id = 0;
    const auto [end, ec] = std::from_chars(item.data(), item.data() + colon, id);
    if (ec != std::errc{} || end != item.data() + colon) continue;
    out.emplace_back(id, std::string(item.substr(colon + 1)));
  }
  return out;
}

}  // namespace notifyd::websocket
