#include "cron_expression.hpp"

#include <array>
#include <cctype>
#include <vector>

#include "civil_time.hpp"
#include "cron_field.hpp"
#include "printable_text.hpp"

namespace notifyd::cron {
namespace {

using ExpressionResult = sdk::Result<CronExpression>;

struct Token {
  std::string_view text;
  std::size_t column;  // 1-based
};

struct Macro {
  std::string_view name;
  std::string_view fields;
};

constexpr std::array<Macro, 7> macros{{
    {"@hourly", "0 * * * *"},
    {"@daily", "0 0 * * *"},
    {"@midnight", "0 0 * * *"},
    {"@weekly", "0 0 * * 0"},
    {"@monthly", "0 0 1 * *"},
    {"@yearly", "0 0 1 1 *"},
    {"@annually", "0 0 1 1 *"},
}};

constexpr std::string_view macro_list =
    "@hourly, @daily, @midnight, @weekly, @monthly, @yearly, @annually or @every <duration>";

// Years scanned to prove that some date matches: 28 years starting with a
// leap year divisible by 400 hold every combination of weekday, month, day
// and leap year.
constexpr std::int64_t scan_first_year = 2000;
constexpr std::int64_t scan_last_year = 2027;

// How far `next_local_match` looks ahead.
constexpr std::int64_t search_years = 400;

bool is_blank(char c) { return c == ' ' || c == '\t'; }

std::vector<Token> split(std::string_view text) {
  std::vector<Token> tokens;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && is_blank(text[i])) ++i;
    const std::size_t begin = i;
    while (i < text.size() && !is_blank(text[i])) ++i;
    if (i > begin) tokens.push_back({text.substr(begin, i - begin), begin + 1});
  }
  return tokens;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

std::string quoted(const Token& token) {
  return "\"" + printable(token.text) + "\" at column " + std::to_string(token.column);
}

// `90s`, `5m`, `1h30m`, `2d`: whole seconds.
std::optional<std::int64_t> parse_interval_seconds(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::int64_t total = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    std::int64_t number = 0;
    std::size_t digits = 0;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
      if (++digits > 9) return std::nullopt;
      number = number * 10 + (text[i++] - '0');
    }
    if (digits == 0 || i == text.size()) return std::nullopt;
    switch (text[i++]) {
      case 's': total += number; break;
      case 'm': total += number * 60; break;
      case 'h': total += number * 3600; break;
      case 'd': total += number * 86400; break;
      default: return std::nullopt;
    }
    if (total > max_every_interval.count()) return max_every_interval.count() + 1;
  }
  return total;
}

ExpressionResult parse_every(CronExpression expression, const std::vector<Token>& tokens, std::size_t first) {
  if (tokens.size() == first + 1) return ExpressionResult::failure("@every needs a duration such as 90s or 5m");
  if (tokens.size() > first + 2) {
    return ExpressionResult::failure("@every takes one duration, got an extra " + quoted(tokens[first + 2]));
  }
  const Token& duration = tokens[first + 1];
  const auto seconds = parse_interval_seconds(duration.text);
  const std::string prefix = "@every duration " + quoted(duration) + ": ";
  if (!seconds) {
    return ExpressionResult::failure(prefix + "expected numbers with a unit s, m, h or d, such as 90s, 5m or 1h30m");
  }
  if (*seconds < 1) return ExpressionResult::failure(prefix + "must be at least 1s");
  if (*seconds > max_every_interval.count()) return ExpressionResult::failure(prefix + "must be at most 366d");
  expression.every = std::chrono::seconds{*seconds};
  return expression;
}

bool fires_on_some_date(const CronExpression& expression) {
  std::int64_t days = days_from_civil(scan_first_year, 1, 1);
  for (std::int64_t year = scan_first_year; year <= scan_last_year; ++year) {
    for (int month = 1; month <= 12; ++month) {
      const int length = days_in_month(year, month);
      if (!expression.months.test(static_cast<std::size_t>(month))) {
        days += length;
        continue;
      }
      for (int day = 1; day <= length; ++day, ++days) {
        if (expression.matches_date(month, day, weekday_from_days(days))) return true;
      }
    }
  }
  return false;
}

template <std::size_t N>
std::bitset<N> narrow(const std::bitset<64>& values) {
  std::bitset<N> out;
  for (std::size_t i = 0; i < N; ++i) out.set(i, values.test(i));
  return out;
}

ExpressionResult parse_fields(CronExpression expression, const std::vector<Token>& tokens, std::size_t first) {
  if (tokens.size() - first != 5) {
    return ExpressionResult::failure("expected 5 fields (minute hour day-of-month month day-of-week), got " +
                                     std::to_string(tokens.size() - first));
  }
  const std::array<const CronFieldSpec*, 5> specs{&minute_field(), &hour_field(), &day_of_month_field(),
                                                  &month_field(), &day_of_week_field()};
  std::array<CronField, 5> fields;
  for (std::size_t i = 0; i < 5; ++i) {
    auto field = parse_cron_field(tokens[first + i].text, tokens[first + i].column, *specs[i]);
    if (!field) return ExpressionResult::failure(field.error());
    fields[i] = field.value();
  }
  expression.minutes = narrow<60>(fields[0].values);
  expression.hours = narrow<24>(fields[1].values);
  expression.days_of_month = narrow<32>(fields[2].values);
  expression.months = narrow<13>(fields[3].values);
  expression.days_of_week = narrow<7>(fields[4].values);
  expression.fixed_time = !fields[0].starts_with_star && !fields[1].starts_with_star;
  expression.day_of_month_star = fields[2].starts_with_star;
  expression.day_of_week_star = fields[4].starts_with_star;
  if (!fires_on_some_date(expression)) {
    return ExpressionResult::failure("the expression never fires: day of month \"" +
                                     printable(tokens[first + 2].text) + "\" never occurs in month \"" +
                                     printable(tokens[first + 3].text) + "\"");
  }
  return expression;
}

ExpressionResult parse_macro(CronExpression expression, const std::vector<Token>& tokens, std::size_t first) {
  const Token& name = tokens[first];
  if (equals_ignoring_case(name.text, "@every")) return parse_every(std::move(expression), tokens, first);
  if (equals_ignoring_case(name.text, "@reboot")) {
    return ExpressionResult::failure("@reboot is not supported: notifyd schedules by time only");
  }
  for (const Macro& macro : macros) {
    if (!equals_ignoring_case(name.text, macro.name)) continue;
    if (tokens.size() > first + 1) {
      return ExpressionResult::failure(std::string(macro.name) + " takes no fields, got " + quoted(tokens[first + 1]));
    }
    return parse_fields(std::move(expression), split(macro.fields), 0);
  }
  return ExpressionResult::failure("unknown macro " + quoted(name) + " (use " + std::string(macro_list) + ")");
}

template <std::size_t N>
int next_set_bit(const std::bitset<N>& bits, int from) {
  for (int i = from; i < static_cast<int>(N); ++i) {
    if (bits.test(static_cast<std::size_t>(i))) return i;
  }
  return -1;
}

}  // namespace

bool CronExpression::matches_date(int month, int day, int weekday) const noexcept {
  if (month < 1 || month > 12 || day < 1 || day > 31 || weekday < 0 || weekday > 6) return false;
  if (!months.test(static_cast<std::size_t>(month))) return false;
  const bool by_day_of_month = days_of_month.test(static_cast<std::size_t>(day));
  const bool by_day_of_week = days_of_week.test(static_cast<std::size_t>(weekday));
  if (day_of_month_star || day_of_week_star) return by_day_of_month && by_day_of_week;
  return by_day_of_month || by_day_of_week;
}

sdk::Result<CronExpression> parse_cron_expression(std::string_view text) {
  if (text.size() > max_expression_length) {
    return ExpressionResult::failure("the expression is longer than " + std::to_string(max_expression_length) +
                                     " bytes");
  }
  const auto tokens = split(text);
  if (tokens.empty()) return ExpressionResult::failure("empty expression");
  CronExpression expression;
  expression.text = std::string(text.substr(tokens.front().column - 1,
                                            tokens.back().column - tokens.front().column + tokens.back().text.size()));
  std::size_t first = 0;
  for (const std::string_view prefix : {std::string_view{"CRON_TZ="}, std::string_view{"TZ="}}) {
    if (!tokens[0].text.starts_with(prefix)) continue;
    expression.zone = std::string(tokens[0].text.substr(prefix.size()));
    expression.zone_column = tokens[0].column + prefix.size();
    if (expression.zone.empty()) {
      return ExpressionResult::failure(std::string(prefix) + " at column " + std::to_string(tokens[0].column) +
                                       " needs a time zone name such as Europe/Berlin");
    }
    first = 1;
    break;
  }
  if (first == tokens.size()) {
    return ExpressionResult::failure("expected a schedule after the time zone " + quoted(tokens[0]));
  }
  if (tokens[first].text.starts_with('@')) return parse_macro(std::move(expression), tokens, first);
  return parse_fields(std::move(expression), tokens, first);
}

std::optional<std::int64_t> next_local_match(const CronExpression& expression, std::int64_t local_seconds) noexcept {
  if (expression.is_interval() || expression.minutes.none() || expression.hours.none()) return std::nullopt;
  CivilTime at = civil_from_seconds(floor_div(local_seconds + 59, 60) * 60);
  const std::int64_t last_year = at.year + search_years;
  const auto next_day = [&at] {
    at.hour = 0;
    at.minute = 0;
    if (++at.day > days_in_month(at.year, at.month)) {
      at.day = 1;
      if (++at.month > 12) {
        at.month = 1;
        ++at.year;
      }
    }
  };
  while (at.year <= last_year) {
    if (!expression.months.test(static_cast<std::size_t>(at.month))) {
      at.day = days_in_month(at.year, at.month);
      next_day();
      continue;
    }
    const int weekday = weekday_from_days(days_from_civil(at.year, at.month, at.day));
    if (!expression.matches_date(at.month, at.day, weekday)) {
      next_day();
      continue;
    }
    const int hour = next_set_bit(expression.hours, at.hour);
    if (hour < 0) {
      next_day();
      continue;
    }
    if (hour != at.hour) {
      at.hour = hour;
      at.minute = 0;
    }
    const int minute = next_set_bit(expression.minutes, at.minute);
    if (minute < 0) {
      at.minute = 0;
      if (++at.hour == 24) next_day();
      continue;
    }
    at.minute = minute;
    at.second = 0;
    return seconds_from_civil(at);
  }
  return std::nullopt;
}

}  // namespace notifyd::cron
