#include "run_result.hpp"

#include <array>

namespace notifyd::core {
namespace {

using Kind = RunRefusal::Kind;

constexpr std::array<std::pair<Kind, std::string_view>, 9> kind_names{{
    {Kind::no_such_check, "no_such_check"},
    {Kind::group_not_running, "group_not_running"},
    {Kind::not_claimed, "not_claimed"},
    {Kind::claimer_stopped, "claimer_stopped"},
    {Kind::no_answer, "no_answer"},
    {Kind::bad_answer, "bad_answer"},
    {Kind::stopping, "stopping"},
    {Kind::unavailable, "unavailable"},
    {Kind::failed, "failed"},
}};

}  // namespace

std::string_view refusal_kind_name(Kind kind) noexcept {
  for (const auto& [known, name] : kind_names) {
    if (known == kind) return name;
  }
  return "failed";
}

std::optional<Kind> refusal_kind_named(std::string_view name) noexcept {
  for (const auto& [kind, known] : kind_names) {
    if (known == name) return kind;
  }
  return std::nullopt;
}

sdk::Result<sdk::RunRecord> RunResult::to_sdk() const {
  if (record_) return *record_;
  return sdk::Result<sdk::RunRecord>::failure(refusal_.message);
}

}  // namespace notifyd::core
