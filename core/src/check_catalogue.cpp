#include "check_catalogue.hpp"

#include <algorithm>
#include <tuple>

#include <rapidjson/document.h>

#include "notifyd/sdk/json.hpp"

namespace notifyd::core {
namespace {

// The entry of a group: its checks as JSON values, sorted by user and name.
rapidjson::Value entry_of(std::vector<sdk::CheckDefinition> checks, rapidjson::Document::AllocatorType& allocator) {
  std::sort(checks.begin(), checks.end(),
            [](const auto& a, const auto& b) { return std::tie(a.user, a.name) < std::tie(b.user, b.name); });
  rapidjson::Value entry(rapidjson::kArrayType);
  for (const auto& check : checks) {
    rapidjson::Value item(rapidjson::kObjectType);
    item.AddMember("user", rapidjson::Value(check.user.c_str(), allocator), allocator);
    item.AddMember("name", rapidjson::Value(check.name.c_str(), allocator), allocator);
    item.AddMember("timeout_ms", static_cast<std::int64_t>(check.timeout.count()), allocator);
    item.AddMember("schedule", rapidjson::Value(check.schedule.c_str(), allocator), allocator);
    item.AddMember("origin", rapidjson::Value(check.origin.c_str(), allocator), allocator);
    entry.PushBack(item, allocator);
  }
  return entry;
}

}  // namespace

sdk::Status CheckCatalogue::publish(const std::vector<sdk::CheckDefinition>& checks) {
  auto updated = documents_.update(document, [&](const std::optional<std::string>& current)
                                                 -> sdk::Result<std::optional<std::string>> {
    rapidjson::Document catalogue;
    // A damaged catalogue is rebuilt: each group writes its entry again.
    if (!current || !sdk::parse_json(*current, catalogue) || !catalogue.IsObject()) catalogue.SetObject();
    auto& allocator = catalogue.GetAllocator();
    auto entry = entry_of(checks, allocator);
    if (auto* found = sdk::json_member(catalogue, host_group_)) {
      if (*found == entry) return std::optional<std::string>{};
      catalogue.RemoveMember(host_group_.c_str());
    }
    catalogue.AddMember(rapidjson::Value(host_group_.c_str(), allocator), entry, allocator);
    return std::optional<std::string>(sdk::json_text(catalogue));
  });
  if (!updated) return sdk::Status::failure("cannot publish this host group's checks: " + updated.error());
  return sdk::Status::success();
}

sdk::Result<std::vector<CataloguedCheck>> CheckCatalogue::offers(std::string_view user, std::string_view name) const {
  return select([&](std::string_view u, std::string_view n) { return u == user && n == name; });
}

sdk::Result<std::vector<CataloguedCheck>> CheckCatalogue::listed(std::string_view user) const {
  return select([&](std::string_view u, std::string_view) { return user.empty() || u == user; });
}

sdk::Result<std::vector<CataloguedCheck>> CheckCatalogue::select(
    const std::function<bool(std::string_view user, std::string_view name)>& wanted) const {
  using R = sdk::Result<std::vector<CataloguedCheck>>;
  auto content = documents_.read(document);
  if (!content) return R::failure("cannot read which host group runs which check: " + content.error());
  std::vector<CataloguedCheck> out;
  rapidjson::Document catalogue;
  if (!content.value() || !sdk::parse_json(*content.value(), catalogue) || !catalogue.IsObject()) return out;
  for (const auto& group : catalogue.GetObject()) {
    if (!group.value.IsArray()) continue;
    for (const auto& item : group.value.GetArray()) {
      auto user = sdk::json_string(item, "user");
      auto name = sdk::json_string(item, "name");
      if (!user || !name || !wanted(*user, *name)) continue;
      out.push_back({group.name.GetString(), std::move(*user), std::move(*name),
                     std::chrono::milliseconds(sdk::json_int64(item, "timeout_ms").value_or(0)),
                     sdk::json_string(item, "schedule").value_or(""), sdk::json_string(item, "origin").value_or("")});
    }
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return std::tie(a.user, a.name, a.host_group) < std::tie(b.user, b.name, b.host_group);
  });
  return out;
}

}  // namespace notifyd::core
