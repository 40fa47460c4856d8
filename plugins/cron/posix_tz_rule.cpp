#include "posix_tz_rule.hpp"

#include <cctype>

#include "civil_time.hpp"

namespace notifyd::cron {
namespace {

using RuleResult = sdk::Result<PosixTzRule>;

class PosixTzParser {
 public:
  explicit PosixTzParser(std::string_view text) : text_(text) {}

  RuleResult parse() {
    PosixTzRule rule;
    if (!name()) return fail("expected a zone abbreviation");
    const auto standard = offset(24);
    if (!standard) return fail("expected the standard offset");
    rule.standard_offset = -*standard;
    if (done()) return rule;
    if (!name()) return fail("expected a daylight saving abbreviation");
    rule.dst_offset = rule.standard_offset + 3600;
    if (!done() && peek() != ',') {
      const auto daylight = offset(24);
      if (!daylight) return fail("expected the daylight saving offset");
      rule.dst_offset = -*daylight;
    }
    if (done()) {
      rule.dst_start = {PosixDate::Form::month_week_day, 0, 3, 2};
      rule.dst_end = {PosixDate::Form::month_week_day, 0, 11, 1};
      return rule;
    }
    if (!consume(',') || !date(rule.dst_start)) return fail("expected the daylight saving start date");
    if (consume('/')) {
      const auto time = offset(167);
      if (!time) return fail("expected the daylight saving start time");
      rule.dst_start_time = *time;
    }
    if (!consume(',') || !date(rule.dst_end)) return fail("expected the daylight saving end date");
    if (consume('/')) {
      const auto time = offset(167);
      if (!time) return fail("expected the daylight saving end time");
      rule.dst_end_time = *time;
    }
    if (!done()) return fail("unexpected text");
    return rule;
  }

 private:
  RuleResult fail(const std::string& what) const {
    return RuleResult::failure("TZ rule: " + what + " at offset " + std::to_string(position_));
  }
  bool done() const { return position_ == text_.size(); }
  char peek() const { return done() ? '\0' : text_[position_]; }
  bool consume(char c) {
    if (peek() != c) return false;
    ++position_;
    return true;
  }

  bool name() {
    if (consume('<')) {
      const std::size_t begin = position_;
      while (!done() && peek() != '>') {
        const char c = peek();
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-') return false;
        ++position_;
      }
      return position_ - begin >= 1 && consume('>');
    }
    const std::size_t begin = position_;
    while (std::isalpha(static_cast<unsigned char>(peek()))) ++position_;
    return position_ - begin >= 3;
  }

  std::optional<int> number(int max_digits, int max_value) {
    int value = 0;
    int digits = 0;
    while (std::isdigit(static_cast<unsigned char>(peek()))) {
      if (++digits > max_digits) return std::nullopt;
      value = value * 10 + (text_[position_++] - '0');
    }
    if (digits == 0 || value > max_value) return std::nullopt;
    return value;
  }

  // [+-]hh[:mm[:ss]] in seconds, as written (POSIX offsets are west-positive).
  std::optional<std::int32_t> offset(int max_hours) {
    int sign = 1;
    if (consume('-')) {
      sign = -1;
    } else {
      consume('+');
    }
    const auto hours = number(3, max_hours);
    if (!hours) return std::nullopt;
    int seconds = *hours * 3600;
    if (consume(':')) {
      const auto minutes = number(2, 59);
      if (!minutes) return std::nullopt;
      seconds += *minutes * 60;
      if (consume(':')) {
        const auto secs = number(2, 59);
        if (!secs) return std::nullopt;
        seconds += *secs;
      }
    }
    return sign * seconds;
  }

  bool date(PosixDate& out) {
    if (consume('J')) {
      const auto day = number(3, 365);
      if (!day || *day < 1) return false;
      out = {PosixDate::Form::julian_no_leap, *day, 0, 0};
      return true;
    }
    if (consume('M')) {
      const auto month = number(2, 12);
      if (!month || *month < 1 || !consume('.')) return false;
      const auto week = number(1, 5);
      if (!week || *week < 1 || !consume('.')) return false;
      const auto weekday = number(1, 6);
      if (!weekday) return false;
      out = {PosixDate::Form::month_week_day, *weekday, *month, *week};
      return true;
    }
    const auto day = number(3, 365);
    if (!day) return false;
    out = {PosixDate::Form::zero_based, *day, 0, 0};
    return true;
  }

  std::string_view text_;
  std::size_t position_ = 0;
};

std::int64_t day_of(const PosixDate& date, std::int64_t year) {
  const std::int64_t january_first = days_from_civil(year, 1, 1);
  switch (date.form) {
    case PosixDate::Form::julian_no_leap:
      return january_first + date.day - 1 + (is_leap_year(year) && date.day >= 60 ? 1 : 0);
    case PosixDate::Form::zero_based:
      return january_first + date.day;
    case PosixDate::Form::month_week_day: {
      const std::int64_t first = days_from_civil(year, date.month, 1);
      int day = 1 + (date.day - weekday_from_days(first) + 7) % 7 + (date.week - 1) * 7;
      while (day > days_in_month(year, date.month)) day -= 7;
      return first + day - 1;
    }
  }
  return january_first;
}

}  // namespace

std::pair<std::int64_t, std::int64_t> PosixTzRule::transitions_in(std::int64_t year) const noexcept {
  const std::int32_t daylight = dst_offset.value_or(standard_offset);
  const std::int64_t start = day_of(dst_start, year) * 86400 + dst_start_time - standard_offset;
  const std::int64_t end = day_of(dst_end, year) * 86400 + dst_end_time - daylight;
  return {start, end};
}

sdk::Result<PosixTzRule> parse_posix_tz(std::string_view text) {
  if (text.size() > 256) return RuleResult::failure("TZ rule longer than 256 bytes");
  return PosixTzParser(text).parse();
}

}  // namespace notifyd::cron
