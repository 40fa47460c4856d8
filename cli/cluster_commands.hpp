#pragma once
// `notifyctl cluster import` / `export`: a single node's data directory into
// the cluster's PostgreSQL database and back (core's cluster_migration.hpp),
// run on the machine itself, without the daemon.

#include "command_line.hpp"
#include "commands.hpp"
#include "exit_code.hpp"

namespace notifyctl {

/// Finds the data directory, the connection string and the file permissions
/// (options first, then the config as `notifyd --check-config --json` reads
/// it), copies, and prints what was copied. Exit status: 0 copied; 1 refused
/// or failed (nothing copied); 2 PostgreSQL could not be reached; 64 a value
/// is missing or wrong.
ExitCode run_cluster(const ClusterArguments& arguments, const GlobalOptions& options, Console& console);

}  // namespace notifyctl
