#include "script_header.hpp"

#include <charconv>

#include "notifyd/sdk/duration.hpp"

namespace notifyd::exec {
namespace {

using namespace std::chrono_literals;

constexpr std::string_view marker = "notifyd:";
constexpr std::size_t max_schedule_bytes = 200;
constexpr auto max_timeout = std::chrono::milliseconds{24h};

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r'; }

void skip_spaces(std::string_view& text) {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
}

// The text after `# notifyd:`, or nullopt when the line is not a header line.
std::optional<std::string_view> header_body(std::string_view line) {
  skip_spaces(line);
  if (!line.starts_with('#')) return std::nullopt;
  line.remove_prefix(1);
  skip_spaces(line);
  if (!line.starts_with(marker)) return std::nullopt;
  line.remove_prefix(marker.size());
  return line;
}

struct Token {
  std::string key;
  std::optional<std::string> value;  ///< nullopt: malformed
  std::string problem;
};

// Reads `key=value` from the front of `text`; consumes up to the next space
// even when the pair is malformed, so one bad pair does not spoil the rest.
Token next_pair(std::string_view& text) {
  Token token;
  std::size_t i = 0;
  while (i < text.size() && !is_space(text[i]) && text[i] != '=') ++i;
  token.key = std::string(text.substr(0, i));
  text.remove_prefix(i);
  if (text.empty() || text.front() != '=') {
    while (!text.empty() && !is_space(text.front())) text.remove_prefix(1);
    token.problem = "expected key=value, got \"" + token.key + "\"";
    return token;
  }
  text.remove_prefix(1);
  if (text.starts_with('"')) {
    text.remove_prefix(1);
    std::string value;
    while (!text.empty() && text.front() != '"') {
      if (text.front() == '\\' && text.size() > 1) text.remove_prefix(1);
      value += text.front();
      text.remove_prefix(1);
    }
    if (text.empty()) {
      token.problem = "the value of " + token.key + " lacks its closing quote";
      return token;
    }
    text.remove_prefix(1);
    if (!text.empty() && !is_space(text.front())) {
      while (!text.empty() && !is_space(text.front())) text.remove_prefix(1);
      token.problem = "the value of " + token.key + " must be followed by a space";
      return token;
    }
    token.value = std::move(value);
    return token;
  }
  std::size_t end = 0;
  while (end < text.size() && !is_space(text[end])) ++end;
  token.value = std::string(text.substr(0, end));
  text.remove_prefix(end);
  return token;
}

std::optional<std::chrono::milliseconds> parse_timeout(std::string_view text) {
  std::int64_t seconds = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  if (error == std::errc{} && end == text.data() + text.size()) {
    if (seconds <= 0 || seconds > max_timeout.count() / 1000) return std::nullopt;
    return std::chrono::milliseconds{seconds * 1000};
  }
  auto duration = sdk::parse_duration(text);
  if (!duration || duration.value() <= 0ms || duration.value() > max_timeout) return std::nullopt;
  return duration.value();
}

bool is_printable(std::string_view text) {
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7F) return false;
  }
  return true;
}

void apply_pair(const Token& token, std::size_t line, ScriptHeader& header) {
  const auto warn = [&](std::string message) { header.warnings.push_back({line, std::move(message)}); };
  if (!token.value) return warn(token.problem);
  const std::string& value = *token.value;
  if (token.key == "schedule") {
    if (value.empty() || value.size() > max_schedule_bytes || !is_printable(value)) {
      return warn("schedule must be a cron expression of at most " + std::to_string(max_schedule_bytes) +
                  " characters, e.g. schedule=\"0 9 * * 1-5\"");
    }
    header.schedule = value;
  } else if (token.key == "timeout") {
    auto timeout = parse_timeout(value);
    if (!timeout) {
      return warn("timeout must be seconds (120) or a duration (2m) above 0 and at most 1d, got \"" + value + "\"");
    }
    header.timeout = timeout;
  } else {
    warn("unknown key \"" + token.key + "\" (known: schedule, timeout)");
  }
}

}  // namespace

ScriptHeader parse_script_header(std::string_view text) {
  ScriptHeader header;
  for (std::size_t line_number = 1; line_number <= header_scan_lines && !text.empty(); ++line_number) {
    const auto newline = text.find('\n');
    const std::string_view line = text.substr(0, newline);
    text.remove_prefix(newline == std::string_view::npos ? text.size() : newline + 1);
    auto body = header_body(line);
    if (!body) continue;
    skip_spaces(*body);
    if (body->empty()) {
      header.warnings.push_back({line_number, "empty notifyd header; expected key=value pairs"});
      continue;
    }
    while (!body->empty()) {
      apply_pair(next_pair(*body), line_number, header);
      skip_spaces(*body);
    }
  }
  return header;
}

}  // namespace notifyd::exec
