#include "script_catalog.hpp"

#include <algorithm>
#include <tuple>

namespace notifyd::exec {

void ScriptCatalog::replace(std::vector<DiscoveredScript> scripts) {
  std::sort(scripts.begin(), scripts.end(), [](const DiscoveredScript& a, const DiscoveredScript& b) {
    return std::tie(a.definition.user, a.definition.name) < std::tie(b.definition.user, b.definition.name);
  });
  auto snapshot = std::make_shared<const Snapshot>(std::move(scripts));
  std::lock_guard lock(mutex_);
  scripts_ = std::move(snapshot);
}

std::shared_ptr<const ScriptCatalog::Snapshot> ScriptCatalog::snapshot() const {
  std::lock_guard lock(mutex_);
  return scripts_;
}

std::vector<sdk::CheckDefinition> ScriptCatalog::definitions() const {
  const auto scripts = snapshot();
  std::vector<sdk::CheckDefinition> definitions;
  definitions.reserve(scripts->size());
  for (const auto& script : *scripts) definitions.push_back(script.definition);
  return definitions;
}

std::optional<DiscoveredScript> ScriptCatalog::find(std::string_view user, std::string_view name) const {
  const auto scripts = snapshot();
  const auto found = std::lower_bound(scripts->begin(), scripts->end(), std::pair{user, name},
                                      [](const DiscoveredScript& script, const std::pair<std::string_view, std::string_view>& key) {
                                        return std::pair<std::string_view, std::string_view>{script.definition.user,
                                                                                             script.definition.name} < key;
                                      });
  if (found == scripts->end() || found->definition.user != user || found->definition.name != name) return std::nullopt;
  return *found;
}

std::size_t ScriptCatalog::size() const { return snapshot()->size(); }

}  // namespace notifyd::exec
