#include "configure_problems.hpp"

#include <cctype>

namespace notifyd::core {
namespace {

// The key a problem line starts with: `listen: …`, `auth = "none" …`, "`threshold` must …".
std::string_view first_word(std::string_view line) {
  if (line.starts_with('`')) line.remove_prefix(1);
  std::size_t end = 0;
  while (end < line.size() &&
         (std::isalnum(static_cast<unsigned char>(line[end])) || line[end] == '_' || line[end] == '-')) {
    ++end;
  }
  return line.substr(0, end);
}

// The node in `table` that `word` names: the key itself, or a secret's `_env`/`_file` form.
const toml::node* named_node(const toml::table& table, const sdk::ConfigSchema& schema, std::string_view word) {
  if (word.empty()) return nullptr;
  if (const auto* key = schema.find(word)) {
    if (key->type != sdk::ConfigType::secret) return table.get(word);
    for (const char* suffix : {"_env", "_file"}) {
      if (const auto* node = table.get(std::string(word) + suffix)) return node;
    }
    return nullptr;
  }
  for (const std::string_view suffix : {"_env", "_file"}) {
    if (word.size() > suffix.size() && word.ends_with(suffix)) {
      const auto* key = schema.find(word.substr(0, word.size() - suffix.size()));
      if (key && key->type == sdk::ConfigType::secret) return table.get(word);
    }
  }
  return nullptr;
}

}  // namespace

ConfigErrors locate_configure_problems(const std::string& file, const toml::table& table,
                                       const sdk::ConfigSchema& schema, const std::string& what,
                                       std::string_view message) {
  ConfigErrors errors;
  while (!message.empty()) {
    const auto end = message.find('\n');
    const std::string_view line = message.substr(0, end);
    if (!line.empty()) {
      const toml::node* node = named_node(table, schema, first_word(line));
      const auto& where = node ? node->source() : table.source();
      errors.push_back({file, static_cast<int>(where.begin.line), static_cast<int>(where.begin.column),
                        what + ": " + std::string(line)});
    }
    if (end == std::string_view::npos) break;
    message.remove_prefix(end + 1);
  }
  if (errors.empty()) {
    const auto& where = table.source();
    errors.push_back({file, static_cast<int>(where.begin.line), static_cast<int>(where.begin.column),
                      what + ": refused its config"});
  }
  return errors;
}

}  // namespace notifyd::core
