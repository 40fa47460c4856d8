#include "notifyd/sdk/priority.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>

namespace notifyd::sdk {
namespace {

struct PriorityWord {
  std::string_view word;
  Priority priority;
};

constexpr std::array<PriorityWord, 11> priority_words{{
    {"1", Priority::min},      {"min", Priority::min},         {"2", Priority::low},
    {"low", Priority::low},    {"3", Priority::normal},        {"default", Priority::normal},
    {"4", Priority::high},     {"high", Priority::high},       {"5", Priority::urgent},
    {"urgent", Priority::urgent}, {"max", Priority::urgent},
}};

// Longer than any word above: no need to lower-case it.
constexpr std::size_t longest_word = 7;

}  // namespace

std::string_view priority_name(Priority priority) noexcept {
  switch (priority) {
    case Priority::min: return "min";
    case Priority::low: return "low";
    case Priority::normal: return "default";
    case Priority::high: return "high";
    case Priority::urgent: return "urgent";
  }
  return "default";
}

std::optional<Priority> priority_from_number(std::int64_t number) noexcept {
  if (number < 1 || number > 5) return std::nullopt;
  return static_cast<Priority>(number);
}

std::optional<Priority> parse_priority(std::string_view text) noexcept {
  const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!text.empty() && space(text.front())) text.remove_prefix(1);
  while (!text.empty() && space(text.back())) text.remove_suffix(1);
  if (text.empty() || text.size() > longest_word) return std::nullopt;
  std::array<char, longest_word> lower{};
  std::transform(text.begin(), text.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  const std::string_view word(lower.data(), text.size());
  for (const auto& known : priority_words) {
    if (known.word == word) return known.priority;
  }
  return std::nullopt;
}

}  // namespace notifyd::sdk
