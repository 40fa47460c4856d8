#include "process_metrics.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <vector>

#include "notifyd/sdk/http.hpp"

namespace notifyd::core {
namespace {

void add(std::string& out, std::string_view name, std::string_view type, std::string_view help,
         const std::string& value) {
  out.append("# HELP ").append(name).append(" ").append(help).append("\n# TYPE ").append(name).append(" ");
  out.append(type).append("\n").append(name).append(" ").append(value).append("\n");
}

// The fields of /proc/self/stat after the command name (which may hold spaces), from field 3 (state) on.
std::vector<std::string> stat_fields() {
  std::ifstream file("/proc/self/stat");
  std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  const auto end_of_name = text.rfind(')');
  if (end_of_name == std::string::npos) return {};
  std::istringstream rest(text.substr(end_of_name + 1));
  std::vector<std::string> fields;
  for (std::string field; rest >> field;) fields.push_back(std::move(field));
  return fields;
}

std::optional<std::int64_t> boot_time_seconds() {
  std::ifstream file("/proc/stat");
  for (std::string line; std::getline(file, line);) {
    if (line.starts_with("btime ")) return std::stoll(line.substr(6));
  }
  return std::nullopt;
}

}  // namespace

std::string process_metrics(std::string_view version, std::string_view commit) {
  std::string out;
  std::string labels = "{version=" + sdk::json_quote(version);
  if (!commit.empty()) labels += ",commit=" + sdk::json_quote(commit);
  out += "# HELP notifyd_build_info The notifyd build: version and, when known, source commit\n"
         "# TYPE notifyd_build_info gauge\nnotifyd_build_info" + labels + "} 1\n";

  const long page = ::sysconf(_SC_PAGESIZE);
  const long ticks = ::sysconf(_SC_CLK_TCK);
  try {
    // Fields counted from 3 (state): utime 14, stime 15, starttime 22, vsize 23, rss 24.
    const auto fields = stat_fields();
    if (fields.size() > 21 && ticks > 0 && page > 0) {
      const double cpu = static_cast<double>(std::stoull(fields[11]) + std::stoull(fields[12])) / ticks;
      add(out, "process_cpu_seconds_total", "counter", "Total user and system CPU time spent in seconds",
          std::to_string(cpu));
      add(out, "process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes", fields[20]);
      add(out, "process_resident_memory_bytes", "gauge", "Resident memory size in bytes",
          std::to_string(std::stoull(fields[21]) * static_cast<std::uint64_t>(page)));
      if (const auto boot = boot_time_seconds()) {
        const double start = static_cast<double>(*boot) + static_cast<double>(std::stoull(fields[19])) / ticks;
        std::ostringstream text;
        text.precision(15);
        text << start;
        add(out, "process_start_time_seconds", "gauge", "Start time of the process since unix epoch in seconds",
            text.str());
      }
    }
  } catch (const std::exception&) {
    // An unreadable /proc leaves those figures out.
  }
  std::error_code ec;
  std::size_t fds = 0;
  for (std::filesystem::directory_iterator it("/proc/self/fd", ec), end; !ec && it != end; it.increment(ec)) ++fds;
  if (!ec && fds > 0) add(out, "process_open_fds", "gauge", "Number of open file descriptors", std::to_string(fds - 1));
  if (rlimit limit{}; ::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY) {
    add(out, "process_max_fds", "gauge", "Maximum number of open file descriptors", std::to_string(limit.rlim_cur));
  }
  return out;
}

}  // namespace notifyd::core
