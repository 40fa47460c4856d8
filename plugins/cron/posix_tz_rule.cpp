#include "posix_tz_rule.hpp"

#include <cctype>

#include "civil_time.hpp"
#include "text_cursor.hpp"

namespace notifyd::cron {
namespace {

using RuleResult = sdk::Result<PosixTzRule>;

class PosixTzParser {
 public:
  explicit PosixTzParser(std::string_view text) : in_(text) {}

  RuleResult parse() {
    PosixTzRule rule;
    if (!name()) return fail("expected a zone abbreviation");
    const auto standard = offset(24);
    if (!standard) return fail("expected the standard offset");
    rule.standard_offset = -*standard;
    if (in_.done()) return rule;
    if (!name()) return fail("expected a daylight saving abbreviation");
    rule.dst_offset = rule.standard_offset + 3600;
    if (!in_.done() && in_.peek() != ',') {
      const auto daylight = offset(24);
      if (!daylight) return fail("expected the daylight saving offset");
      rule.dst_offset = -*daylight;
    }
    if (in_.done()) {
      rule.dst_start = {PosixDate::Form::month_week_day, 0, 3, 2};
      rule.dst_end = {PosixDate::Form::month_week_day, 0, 11, 1};
      return rule;
    }
    if (!in_.consume(',') || !date(rule.dst_start)) return fail("expected the daylight saving start date");
    if (in_.consume('/')) {
      const auto time = offset(167);
      if (!time) return fail("expected the daylight saving start time");
      rule.dst_start_time = *time;
    }
    if (!in_.consume(',') || !date(rule.dst_end)) return fail("expected the daylight saving end date");
    if (in_.consume('/')) {
      const auto time = offset(167);
      if (!time) return fail("expected the daylight saving end time");
      rule.dst_end_time = *time;
    }
    if (!in_.done()) return fail("unexpected text");
    return rule;
  }

 private:
  RuleResult fail(const std::string& what) const {
    return RuleResult::failure("TZ rule: " + what + " at offset " + std::to_string(in_.position()));
  }
  bool name() {
    if (in_.consume('<')) {
      const std::size_t begin = in_.position();
      while (!in_.done() && in_.peek() != '>') {
        const char c = in_.peek();
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-') return false;
        in_.advance();
      }
      return in_.position() - begin >= 1 && in_.consume('>');
    }
    const std::size_t begin = in_.position();
    while (std::isalpha(static_cast<unsigned char>(in_.peek()))) in_.advance();
    return in_.position() - begin >= 3;
  }

  // [+-]hh[:mm[:ss]] in seconds, as written (POSIX offsets are west-positive).
  std::optional<std::int32_t> offset(int max_hours) {
    int sign = 1;
    if (in_.consume('-')) {
      sign = -1;
    } else {
      in_.consume('+');
    }
    const auto hours = in_.number(3, max_hours);
    if (!hours) return std::nullopt;
    int seconds = *hours * 3600;
    if (in_.consume(':')) {
      const auto minutes = in_.number(2, 59);
      if (!minutes) return std::nullopt;
      seconds += *minutes * 60;
      if (in_.consume(':')) {
        const auto secs = in_.number(2, 59);
        if (!secs) return std::nullopt;
        seconds += *secs;
      }
    }
    return sign * seconds;
  }

  bool date(PosixDate& out) {
    if (in_.consume('J')) {
      const auto day = in_.number(3, 365);
      if (!day || *day < 1) return false;
      out = {PosixDate::Form::julian_no_leap, *day, 0, 0};
      return true;
    }
    if (in_.consume('M')) {
      const auto month = in_.number(2, 12);
      if (!month || *month < 1 || !in_.consume('.')) return false;
      const auto week = in_.number(1, 5);
      if (!week || *week < 1 || !in_.consume('.')) return false;
      const auto weekday = in_.number(1, 6);
      if (!weekday) return false;
      out = {PosixDate::Form::month_week_day, *weekday, *month, *week};
      return true;
    }
    const auto day = in_.number(3, 365);
    if (!day) return false;
    out = {PosixDate::Form::zero_based, *day, 0, 0};
    return true;
  }

  TextCursor in_;
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
