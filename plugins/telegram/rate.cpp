#include "rate.hpp"

#include <charconv>
#include <cmath>

namespace notifyd::telegram {

sdk::Result<double> parse_rate(std::string_view text) {
  using R = sdk::Result<double>;
  const auto slash = text.find('/');
  const auto invalid = [&] {
    return R::failure("\"" + std::string(text) + "\" is not a rate; write it as <count>/s, <count>/min or <count>/h");
  };
  if (slash == std::string_view::npos || slash == 0 || text.size() > 32) return invalid();
  double count = 0;
  const auto number = text.substr(0, slash);
  const auto [end, error] = std::from_chars(number.data(), number.data() + number.size(), count);
  if (error != std::errc{} || end != number.data() + number.size() || !std::isfinite(count) || count <= 0) {
    return invalid();
  }
  const auto unit = text.substr(slash + 1);
  double seconds = 0;
  if (unit == "s" || unit == "sec") {
    seconds = 1;
  } else if (unit == "m" || unit == "min") {
    seconds = 60;
  } else if (unit == "h") {
    seconds = 3600;
  } else {
    return invalid();
  }
  const double rate = count / seconds;
  if (rate > 1e6) return R::failure("\"" + std::string(text) + "\" is faster than any Bot API server allows");
  return rate;
}

}  // namespace notifyd::telegram
