#include "tzif_reader.hpp"

#include <cstdint>
#include <optional>
#include <vector>

namespace notifyd::cron {
namespace {

using ZoneResult = sdk::Result<TimeZone>;

constexpr std::size_t header_size = 44;
// RFC 8536: a local time type's UT offset lies in -89999..93599.
constexpr std::int64_t min_offset = -89999;
constexpr std::int64_t max_offset = 93599;

struct Counts {
  std::uint32_t isut = 0;
  std::uint32_t isstd = 0;
  std::uint32_t leap = 0;
  std::uint32_t time = 0;
  std::uint32_t type = 0;
  std::uint32_t chars = 0;
};

class ByteReader {
 public:
  explicit ByteReader(std::string_view bytes) : bytes_(bytes) {}
  std::size_t position() const { return position_; }
  bool has(std::size_t n) const { return n <= bytes_.size() - position_; }
  std::string_view take(std::size_t n) {
    const auto out = bytes_.substr(position_, n);
    position_ += n;
    return out;
  }
  std::uint64_t big_endian(std::size_t width) {
    std::uint64_t value = 0;
    for (const char c : take(width)) value = (value << 8) | static_cast<unsigned char>(c);
    return value;
  }
  std::string_view rest() const { return bytes_.substr(position_); }

 private:
  std::string_view bytes_;
  std::size_t position_ = 0;
};

std::optional<Counts> read_header(ByteReader& in, char& version) {
  if (!in.has(header_size)) return std::nullopt;
  if (in.take(4) != "TZif") return std::nullopt;
  version = in.take(1)[0];
  in.take(15);
  Counts counts;
  counts.isut = static_cast<std::uint32_t>(in.big_endian(4));
  counts.isstd = static_cast<std::uint32_t>(in.big_endian(4));
  counts.leap = static_cast<std::uint32_t>(in.big_endian(4));
  counts.time = static_cast<std::uint32_t>(in.big_endian(4));
  counts.type = static_cast<std::uint32_t>(in.big_endian(4));
  counts.chars = static_cast<std::uint32_t>(in.big_endian(4));
  return counts;
}

std::uint64_t block_size(const Counts& counts, std::size_t time_width) {
  return std::uint64_t{counts.time} * time_width + counts.time + std::uint64_t{counts.type} * 6 + counts.chars +
         std::uint64_t{counts.leap} * (time_width + 4) + counts.isstd + counts.isut;
}

std::int64_t as_signed(std::uint64_t value, std::size_t width) {
  if (width == 4) return static_cast<std::int32_t>(static_cast<std::uint32_t>(value));
  return static_cast<std::int64_t>(value);
}

}  // namespace

sdk::Result<TimeZone> parse_tzif(std::string_view bytes, std::string name) {
  if (bytes.size() > max_tzif_bytes) return ZoneResult::failure("larger than " + std::to_string(max_tzif_bytes) + " bytes");
  ByteReader in(bytes);
  char version = 0;
  auto counts = read_header(in, version);
  if (!counts) return ZoneResult::failure("not a TZif file (bad header)");
  if (version != 0 && (version < '2' || version > '9')) return ZoneResult::failure("unknown TZif version");
  std::size_t width = 4;
  if (version != 0) {
    const std::uint64_t skip = block_size(*counts, 4);
    if (!in.has(skip)) return ZoneResult::failure("truncated version 1 data");
    in.take(skip);
    counts = read_header(in, version);
    if (!counts) return ZoneResult::failure("missing the version 2+ header");
    width = 8;
  }
  if (counts->type == 0 || counts->type > 256 || counts->chars == 0) {
    return ZoneResult::failure("no local time types");
  }
  if ((counts->isut != 0 && counts->isut != counts->type) || (counts->isstd != 0 && counts->isstd != counts->type)) {
    return ZoneResult::failure("inconsistent counts");
  }
  if (!in.has(block_size(*counts, width))) return ZoneResult::failure("truncated data block");

  std::vector<std::int64_t> times(counts->time);
  for (auto& time : times) time = as_signed(in.big_endian(width), width);
  std::vector<std::uint8_t> type_of(counts->time);
  for (auto& type : type_of) {
    type = static_cast<std::uint8_t>(in.take(1)[0]);
    if (type >= counts->type) return ZoneResult::failure("transition names a missing local time type");
  }
  std::vector<std::int32_t> offsets(counts->type);
  for (auto& offset : offsets) {
    const std::int64_t value = as_signed(in.big_endian(4), 4);
    in.take(2);
    if (value < min_offset || value > max_offset) return ZoneResult::failure("UTC offset out of range");
    offset = static_cast<std::int32_t>(value);
  }
  in.take(counts->chars);
  in.take(std::uint64_t{counts->leap} * (width + 4) + counts->isstd + counts->isut);

  std::vector<OffsetTransition> transitions;
  transitions.reserve(times.size());
  for (std::size_t i = 0; i < times.size(); ++i) {
    if (i > 0 && times[i] <= times[i - 1]) return ZoneResult::failure("transitions out of order");
    transitions.push_back({times[i], offsets[type_of[i]]});
  }

  std::optional<PosixTzRule> rule;
  if (width == 8) {
    const std::string_view rest = in.rest();
    if (rest.size() < 2 || rest.front() != '\n') return ZoneResult::failure("missing the TZ string footer");
    const std::size_t end = rest.find('\n', 1);
    if (end == std::string_view::npos) return ZoneResult::failure("unterminated TZ string footer");
    const std::string_view footer = rest.substr(1, end - 1);
    if (!footer.empty()) {
      auto parsed = parse_posix_tz(footer);
      if (!parsed) return ZoneResult::failure("footer: " + parsed.error());
      rule = parsed.value();
    }
  }
  return TimeZone(std::move(name), offsets[0], std::move(transitions), std::move(rule));
}

}  // namespace notifyd::cron
