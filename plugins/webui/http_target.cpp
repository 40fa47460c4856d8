#include "http_target.hpp"

namespace notifyd::webui {
namespace {

constexpr std::size_t max_form_fields = 64;

}  // namespace

std::optional<FormFields> parse_form(std::string_view text) {
  FormFields fields;
  std::size_t count = 0;
  while (!text.empty()) {
    const auto amp = text.find('&');
    const std::string_view pair = text.substr(0, amp);
    text = amp == std::string_view::npos ? std::string_view{} : text.substr(amp + 1);
    if (pair.empty()) continue;
    if (++count > max_form_fields) return std::nullopt;
    const auto equals = pair.find('=');
    auto name = percent_decode(pair.substr(0, equals), true);
    auto value = percent_decode(equals == std::string_view::npos ? std::string_view{} : pair.substr(equals + 1), true);
    if (!name || !value) return std::nullopt;
    fields.emplace(std::move(*name), std::move(*value));
  }
  return fields;
}

std::optional<RequestTarget> parse_request_target(std::string_view target) {
  if (const auto hash = target.find('#'); hash != std::string_view::npos) target = target.substr(0, hash);
  if (target.empty() || target.front() != '/') return std::nullopt;
  RequestTarget result;
  const auto question = target.find('?');
  auto path = percent_decode(target.substr(0, question), false);
  if (!path) return std::nullopt;
  result.path = std::move(*path);
  if (question == std::string_view::npos) return result;
  auto query = parse_form(target.substr(question + 1));
  if (!query) return std::nullopt;
  result.query = std::move(*query);
  return result;
}

}  // namespace notifyd::webui
