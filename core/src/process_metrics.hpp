#pragma once

#include <string>
#include <string_view>

namespace notifyd::core {

/// `notifyd_build_info{version,commit} 1` and the standard Prometheus process
/// metrics of this process (process_resident_memory_bytes,
/// process_virtual_memory_bytes, process_open_fds, process_max_fds,
/// process_start_time_seconds, process_cpu_seconds_total), read from /proc at
/// each call, in the text exposition format. `commit` empty = not known (the
/// label is left out). A figure /proc does not give is left out.
std::string process_metrics(std::string_view version, std::string_view commit);

}  // namespace notifyd::core
