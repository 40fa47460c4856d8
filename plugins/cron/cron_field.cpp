#include "cron_field.hpp"

#include <cctype>
#include <optional>
#include <variant>

#include "printable_text.hpp"

namespace notifyd::cron {
namespace {

constexpr CronFieldSpec minute_spec{1, "minute", 0, 59, ""};
constexpr CronFieldSpec hour_spec{2, "hour", 0, 23, ""};
constexpr CronFieldSpec day_of_month_spec{3, "day of month", 1, 31, ""};
constexpr CronFieldSpec month_spec{4, "month", 1, 12, "JANFEBMARAPRMAYJUNJULAUGSEPOCTNOVDEC"};
constexpr CronFieldSpec day_of_week_spec{5, "day of week", 0, 7, "SUNMONTUEWEDTHUFRISAT"};

// Longest number a field accepts; anything longer is out of range without parsing.
constexpr std::size_t max_number_digits = 4;

struct FieldError {
  std::string token;
  std::size_t column;
  std::string reason;
};

class FieldParser {
 public:
  FieldParser(std::string_view text, std::size_t column, const CronFieldSpec& spec)
      : text_(text), column_(column), spec_(spec) {}

  sdk::Result<CronField> parse() {
    field_.starts_with_star = text_.starts_with('*');
    std::size_t start = 0;
    while (true) {
      const std::size_t comma = text_.find(',', start);
      const std::size_t end = comma == std::string_view::npos ? text_.size() : comma;
      if (auto error = parse_element(start, end)) return failure(*error);
      if (comma == std::string_view::npos) break;
      start = comma + 1;
    }
    return field_;
  }

 private:
  sdk::Result<CronField> failure(const FieldError& error) const {
    return sdk::Result<CronField>::failure("field " + std::to_string(spec_.number) + " (" + std::string(spec_.name) +
                                           ") \"" + printable(error.token) + "\" at column " +
                                           std::to_string(error.column) + ": " + error.reason);
  }

  FieldError error_at(std::size_t begin, std::size_t end, std::string reason) const {
    return {std::string(text_.substr(begin, end - begin)), column_ + begin, std::move(reason)};
  }

  std::optional<FieldError> parse_element(std::size_t begin, std::size_t end) {
    if (begin == end) return error_at(begin, end, "empty list element");
    const std::string_view element = text_.substr(begin, end - begin);
    const std::size_t slash = element.find('/');
    const std::size_t base_end = slash == std::string_view::npos ? end : begin + slash;
    int step = 1;
    if (slash != std::string_view::npos) {
      auto parsed = parse_step(base_end + 1, end);
      if (const auto* error = std::get_if<FieldError>(&parsed)) return *error;
      step = std::get<int>(parsed);
    }
    if (base_end == begin) return error_at(begin, end, "missing value before /");
    int first = 0;
    int last = 0;
    const std::string_view base = text_.substr(begin, base_end - begin);
    if (base == "*") {
      first = spec_.low;
      last = spec_.high == 7 ? 6 : spec_.high;
    } else if (const std::size_t dash = base.find('-'); dash != std::string_view::npos) {
      auto low = parse_value(begin, begin + dash);
      if (const auto* error = std::get_if<FieldError>(&low)) return *error;
      auto high = parse_value(begin + dash + 1, base_end);
      if (const auto* error = std::get_if<FieldError>(&high)) return *error;
      first = std::get<int>(low);
      last = std::get<int>(high);
      // cronie reads a day-of-week range that ends in Sunday written as 0
      // (`SAT-SUN`, `5-0`) as ending in 7.
      if (spec_.high == 7 && last == 0 && first > 0) last = 7;
      if (first > last) {
        return error_at(begin, base_end,
                        "range start " + std::to_string(first) + " is after its end " + std::to_string(last));
      }
    } else {
      auto value = parse_value(begin, base_end);
      if (const auto* error = std::get_if<FieldError>(&value)) return *error;
      first = std::get<int>(value);
      last = slash == std::string_view::npos ? first : spec_.high;
    }
    for (int value = first; value <= last; value += step) {
      field_.values.set(static_cast<std::size_t>(spec_.high == 7 && value == 7 ? 0 : value));
    }
    return std::nullopt;
  }

  std::variant<int, FieldError> parse_step(std::size_t begin, std::size_t end) const {
    const int limit = spec_.high == 7 ? 7 : spec_.high - spec_.low + 1;
    const std::string reason = "step must be a number from 1 to " + std::to_string(limit);
    if (begin == end) return error_at(begin, end, "missing step after /");
    const auto number = parse_number(begin, end);
    if (!number || *number < 1 || *number > limit) return error_at(begin, end, reason);
    return *number;
  }

  std::variant<int, FieldError> parse_value(std::size_t begin, std::size_t end) const {
    if (begin == end) return error_at(begin, end, "missing value in range");
    const std::string_view token = text_.substr(begin, end - begin);
    if (std::isdigit(static_cast<unsigned char>(token.front()))) {
      const auto number = parse_number(begin, end);
      if (!number) return error_at(begin, end, "not a number");
      if (*number < spec_.low || *number > spec_.high) {
        return error_at(begin, end,
                        "value out of range " + std::to_string(spec_.low) + "-" + std::to_string(spec_.high));
      }
      return *number;
    }
    if (!spec_.names.empty() && token.size() == 3) {
      for (std::size_t i = 0; i * 3 < spec_.names.size(); ++i) {
        const std::string_view name = spec_.names.substr(i * 3, 3);
        bool same = true;
        for (std::size_t k = 0; k < 3; ++k) {
          same = same && std::toupper(static_cast<unsigned char>(token[k])) == name[k];
        }
        if (same) return spec_.low + static_cast<int>(i);
      }
    }
    if (spec_.names.empty()) return error_at(begin, end, "not a number");
    const std::string_view kind = spec_.number == 4 ? "a month name (JAN-DEC)" : "a day name (SUN-SAT)";
    return error_at(begin, end, "not a number or " + std::string(kind));
  }

  // Digits only; nullopt when empty, not all digits or too long to be any field's value.
  std::optional<int> parse_number(std::size_t begin, std::size_t end) const {
    if (begin == end || end - begin > max_number_digits) {
      bool digits = begin != end;
      for (std::size_t i = begin; i < end; ++i) digits = digits && std::isdigit(static_cast<unsigned char>(text_[i]));
      if (digits) return 9999;
      return std::nullopt;
    }
    int value = 0;
    for (std::size_t i = begin; i < end; ++i) {
      if (!std::isdigit(static_cast<unsigned char>(text_[i]))) return std::nullopt;
      value = value * 10 + (text_[i] - '0');
    }
    return value;
  }

  std::string_view text_;
  std::size_t column_;
  const CronFieldSpec& spec_;
  CronField field_;
};

}  // namespace

const CronFieldSpec& minute_field() noexcept { return minute_spec; }
const CronFieldSpec& hour_field() noexcept { return hour_spec; }
const CronFieldSpec& day_of_month_field() noexcept { return day_of_month_spec; }
const CronFieldSpec& month_field() noexcept { return month_spec; }
const CronFieldSpec& day_of_week_field() noexcept { return day_of_week_spec; }

sdk::Result<CronField> parse_cron_field(std::string_view text, std::size_t column, const CronFieldSpec& spec) {
  return FieldParser(text, column, spec).parse();
}

}  // namespace notifyd::cron
