#pragma once

namespace notifyctl {

/// The process exit status of notifyctl; scripts rely on these values.
enum class ExitCode : int {
  success = 0,      ///< the daemon answered 2xx
  refused = 1,      ///< the daemon answered non-2xx, or its answer was unusable
  unreachable = 2,  ///< no answer: socket missing, connection refused, timeout
  usage = 64,       ///< the command line or a local input (file, stdin) is wrong
};

}  // namespace notifyctl
