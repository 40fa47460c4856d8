#pragma once

#include <filesystem>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "notifyd/sdk/config.hpp"
#include "notifyd/sdk/kind.hpp"

namespace notifyd::core {

/// One table of notifyd.toml as `--describe-plugins` documents it.
struct TableDoc {
  std::string heading;        ///< "[daemon]", "[[plugin]]" or "[[check]]"
  std::string use;            ///< the library's name (`use = ...`); empty for the host's tables
  std::string origin;         ///< "channel, <file>": the library's kind and file; empty for the host's tables
  sdk::ConfigSchema schema;   ///< a check table's: the host's keys, then the check library's own
};

/// The keys of a `[[check]]` table that the host reads itself (besides `use`).
sdk::ConfigSchema check_table_schema();

/// The host's tables, then one per library in `plugin_dir` (a check
/// library's under `[[check]]`, every other kind under `[[plugin]]`). A
/// library that cannot be loaded is left out, with why in `problems`.
std::vector<TableDoc> collect_table_docs(const std::filesystem::path& plugin_dir, std::vector<std::string>& problems);

/// Prints one config table's documentation: its keys, types, defaults and help,
/// as a commented TOML snippet a reader can paste.
void print_schema(std::ostream& out, std::string_view heading, const sdk::ConfigSchema& schema);
/// Prints `tables` as `print_schema` does (what `--describe-plugins` shows).
void print_table_docs(std::ostream& out, const std::vector<TableDoc>& tables);
/// Prints `tables` as the manual page notifyd.toml(5), in roff.
void print_table_docs_manpage(std::ostream& out, const std::vector<TableDoc>& tables, std::string_view version);

}  // namespace notifyd::core
