#include "zone_lookup.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <system_error>

#include "tzif_reader.hpp"

namespace notifyd::cron {
namespace {

using ZoneResult = sdk::Result<ZoneHandle>;

constexpr std::size_t max_zone_name = 255;
constexpr std::string_view default_zoneinfo = "/usr/share/zoneinfo";
constexpr std::string_view local_time_file = "/etc/localtime";
constexpr std::string_view timezone_name_file = "/etc/timezone";

bool is_valid_zone_name(std::string_view name) {
  if (name.empty() || name.size() > max_zone_name || name.front() == '/' || name.back() == '/') return false;
  for (const char c : name) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '/' ||
                    c == '_' || c == '-' || c == '+' || c == '.';
    if (!ok) return false;
  }
  std::size_t start = 0;
  while (start <= name.size()) {
    const std::size_t slash = std::min(name.find('/', start), name.size());
    const std::string_view part = name.substr(start, slash - start);
    if (part.empty() || part == "." || part == "..") return false;
    start = slash + 1;
  }
  return true;
}

bool is_utc_name(std::string_view name) {
  return name == "UTC" || name == "Etc/UTC" || name == "Z" || name == "Etc/UCT" || name == "UCT" ||
         name == "Etc/Zulu" || name == "Zulu" || name == "Universal" || name == "Etc/Universal";
}

std::filesystem::path zoneinfo_directory() {
  const char* configured = std::getenv("TZDIR");
  if (configured != nullptr && *configured == '/') return configured;
  return std::filesystem::path(default_zoneinfo);
}

// The file's bytes; nullopt with `error` set when it is missing, not a regular file or too large.
std::optional<std::string> read_small_file(const std::filesystem::path& path, std::string& error) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status)) {
    error = path.string() + " does not exist";
    return std::nullopt;
  }
  if (!std::filesystem::is_regular_file(status)) {
    error = path.string() + " is not a file";
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot open " + path.string();
    return std::nullopt;
  }
  std::string bytes;
  bytes.resize(max_tzif_bytes + 1);
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  bytes.resize(static_cast<std::size_t>(in.gcount()));
  if (bytes.size() > max_tzif_bytes) {
    error = path.string() + " is too large to be a TZif file";
    return std::nullopt;
  }
  return bytes;
}

ZoneResult parse_zone(const std::string& bytes, const std::filesystem::path& path, std::string name,
                      std::string_view described_as) {
  auto zone = parse_tzif(bytes, std::move(name));
  if (!zone) {
    return ZoneResult::failure(std::string(described_as) + ": " + path.string() + " is not a usable TZif file (" +
                               zone.error() + ")");
  }
  return ZoneHandle(std::make_shared<const TimeZone>(std::move(zone.value())));
}

ZoneResult load_file(const std::filesystem::path& path, std::string name, std::string_view described_as) {
  std::string error;
  const auto bytes = read_small_file(path, error);
  if (!bytes) return ZoneResult::failure(std::string(described_as) + ": " + error);
  return parse_zone(*bytes, path, std::move(name), described_as);
}

// `/usr/share/zoneinfo/Europe/Berlin` → `Europe/Berlin`; otherwise the path itself.
std::string name_from_path(const std::filesystem::path& path) {
  const std::string text = path.string();
  const auto marker = text.find("/zoneinfo/");
  if (marker == std::string::npos) return text;
  std::string name = text.substr(marker + 10);
  for (const std::string_view prefix : {"posix/", "right/"}) {
    if (name.starts_with(prefix)) name.erase(0, prefix.size());
  }
  return name;
}

// The name in /etc/timezone (Debian), for an /etc/localtime that is a copy, not a link.
std::optional<std::string> configured_zone_name() {
  std::ifstream in{std::string(timezone_name_file)};
  std::string line;
  if (!in || !std::getline(in, line)) return std::nullopt;
  while (!line.empty() && (line.back() == ' ' || line.back() == '\r')) line.pop_back();
  if (!is_valid_zone_name(line)) return std::nullopt;
  return line;
}

}  // namespace

sdk::Result<ZoneHandle> load_time_zone(std::string_view name) {
  if (is_utc_name(name)) return ZoneHandle(std::make_shared<const TimeZone>(TimeZone::utc()));
  if (!is_valid_zone_name(name)) {
    return ZoneResult::failure("invalid time zone name \"" + std::string(name.substr(0, 64)) +
                               "\" (expected an IANA name such as Europe/Berlin)");
  }
  std::string error;
  const auto path = zoneinfo_directory() / std::string(name);
  const auto bytes = read_small_file(path, error);
  if (!bytes) return ZoneResult::failure("unknown time zone \"" + std::string(name) + "\": " + error);
  return parse_zone(*bytes, path, std::string(name), "time zone \"" + std::string(name) + "\"");
}

sdk::Result<ZoneHandle> load_local_time_zone() {
  const char* tz = std::getenv("TZ");
  if (tz == nullptr) {
    std::error_code ec;
    if (!std::filesystem::exists(std::string(local_time_file), ec)) {
      return ZoneHandle(std::make_shared<const TimeZone>(TimeZone::utc()));
    }
    auto resolved = std::filesystem::canonical(std::string(local_time_file), ec);
    std::string name = ec ? std::string(local_time_file) : name_from_path(resolved);
    if (name.starts_with('/')) name = configured_zone_name().value_or(name);
    if (is_utc_name(name)) return ZoneHandle(std::make_shared<const TimeZone>(TimeZone::utc()));
    return load_file(std::string(local_time_file), name, "the local time zone");
  }
  std::string_view value = tz;
  if (value.empty()) return ZoneHandle(std::make_shared<const TimeZone>(TimeZone::utc()));
  if (value.front() == ':') value.remove_prefix(1);
  if (value.starts_with('/')) {
    return load_file(std::string(value), name_from_path(std::string(value)), "TZ=" + std::string(value));
  }
  if (is_utc_name(value)) return ZoneHandle(std::make_shared<const TimeZone>(TimeZone::utc()));
  if (is_valid_zone_name(value)) {
    std::string error;
    const auto path = zoneinfo_directory() / std::string(value);
    if (const auto bytes = read_small_file(path, error)) {
      return parse_zone(*bytes, path, std::string(value), "TZ=" + std::string(value));
    }
  }
  auto rule = parse_posix_tz(value);
  if (!rule) {
    return ZoneResult::failure("TZ=" + std::string(value.substr(0, 64)) +
                               " is neither a known zone nor a POSIX TZ rule");
  }
  return ZoneHandle(std::make_shared<const TimeZone>(TimeZone(std::string(value), rule->standard_offset, {}, rule.value())));
}

sdk::Result<ZoneHandle> load_zone_or_local(std::string_view name) {
  if (name.empty()) return load_local_time_zone();
  return load_time_zone(name);
}

}  // namespace notifyd::cron
