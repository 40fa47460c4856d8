#include "notifyd/sdk/http/request_target.hpp"

#include <string>

#include <boost/url/parse.hpp>
#include <boost/url/parse_query.hpp>
#include <boost/url/src.hpp>
#include <boost/url/url_view.hpp>

namespace notifyd::sdk::http {
namespace {

bool has_nul(std::string_view text) { return text.find('\0') != std::string_view::npos; }

std::optional<FormFields> decode_params(const boost::urls::params_encoded_view& params) {
  FormFields fields;
  std::size_t count = 0;
  boost::urls::encoding_opts options;
  options.space_as_plus = true;
  for (const auto param : params) {
    if (param.key.empty() && !param.has_value) continue;  // `a=1&&b=2`
    if (++count > max_form_fields) return std::nullopt;
    std::string name = param.key.decode(options);
    std::string value = param.has_value ? param.value.decode(options) : std::string();
    if (has_nul(name) || has_nul(value)) return std::nullopt;
    fields.emplace(std::move(name), std::move(value));
  }
  return fields;
}

}  // namespace

std::optional<FormFields> parse_form(std::string_view text) {
  // Boost.URL's parse_query measures its text again with strlen: give it a NUL-terminated copy.
  const std::string terminated(text);
  const auto params = boost::urls::parse_query(terminated);
  if (!params) return std::nullopt;
  return decode_params(*params);
}

std::optional<RequestTarget> parse_request_target(std::string_view target) {
  if (const auto hash = target.find('#'); hash != std::string_view::npos) target = target.substr(0, hash);
  const auto url = boost::urls::parse_origin_form(target);
  if (!url) return std::nullopt;
  RequestTarget result;
  result.path = url->path();
  if (has_nul(result.path)) return std::nullopt;
  if (!url->has_query()) return result;
  auto query = decode_params(url->encoded_params());
  if (!query) return std::nullopt;
  result.query = std::move(*query);
  return result;
}

}  // namespace notifyd::sdk::http
