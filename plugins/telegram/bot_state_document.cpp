#include "bot_state_document.hpp"

namespace notifyd::telegram {

sdk::Result<BotState> BotStateDocument::load(std::string& problem) const {
  problem.clear();
  auto content = store_.read(name_);
  if (!content) return sdk::Result<BotState>::failure("cannot read " + name_ + ": " + content.error());
  if (!content.value()) return BotState{};
  auto parsed = parse_bot_state(*content.value());
  if (!parsed) {
    problem = name_ + " is " + parsed.error() + "; starting from a fresh state";
    return BotState{};
  }
  return std::move(parsed).value();
}

BotStateDocument::Commit BotStateDocument::commit(const BotState& state, const sdk::Fence& fence) {
  const std::string content = serialize_bot_state(state);
  auto written = store_.write_if(name_, std::string_view(content), sdk::DocumentStore::any_version, fence);
  if (!written) return {Outcome::failed, "cannot save " + name_ + ": " + written.error()};
  if (written.value().outcome == sdk::WriteOutcome::fenced) return {Outcome::fenced, {}};
  return {Outcome::written, {}};
}

}  // namespace notifyd::telegram
