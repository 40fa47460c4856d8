#pragma once
// Runs one script in the foreground for `notifyctl run --local`, as the
// caller, the way the seed's notify-runner did: its own process group, a
// timeout that stops the whole group, capped output.

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace notifyctl {

/// Bounds of one local run (the seed's: 60 s, then the group is stopped).
struct LocalLimits {
  std::chrono::milliseconds timeout{60'000};
  std::chrono::milliseconds kill_grace{5'000};
  std::size_t max_output = 1 << 20;
  std::size_t max_stderr = 64 << 10;
};

/// What the script did.
struct LocalRun {
  enum class Status { exited, timed_out, failed_to_start };
  Status status = Status::exited;
  int exit_code = 0;            ///< 128 + signal when a signal ended it
  std::string output;           ///< stdout, at most max_output bytes
  bool output_truncated = false;
  std::string stderr_tail;      ///< the last max_stderr bytes of stderr
  std::string error;            ///< why it did not start, or how it ended (signal, timeout)
};

/// Runs `interpreter script` in `directory` with the caller's environment
/// plus `extra_environment` ("NAME=value", replacing same-named variables);
/// stdin is /dev/null. Returns when the script and its process group are gone.
LocalRun run_local_script(const std::string& interpreter, const std::string& script, const std::string& directory,
                          const std::vector<std::string>& extra_environment, const LocalLimits& limits);

}  // namespace notifyctl
