#include "prepared_config.hpp"

#include "config_table_validator.hpp"

namespace notifyd::core {

std::optional<PreparedConfig> prepare_config(const std::filesystem::path& path, LogSink& log_sink,
                                             ConfigErrors& errors) {
  auto file = read_config_file(path, errors);
  if (!file) return std::nullopt;
  PreparedConfig prepared{std::move(*file), {}, {}};
  if (!prepared.file.cluster.dsn.empty()) log_sink.add_secret(prepared.file.cluster.dsn);
  PluginLoader loader(prepared.file.daemon.plugin_dir);
  PrefixedLogger log(log_sink, "config");
  const std::string file_name = prepared.file.path.string();
  for (auto& spec : prepared.file.plugins) {
    const std::string what = "plugin \"" + spec.name + "\" (" + spec.use + ")";
    auto library = loader.load(spec.use);
    if (!library) {
      if (spec.optional) {
        log.warn(what, " is optional and was skipped: ", library.error());
        continue;
      }
      errors.push_back({file_name, static_cast<int>(spec.where.begin.line), static_cast<int>(spec.where.begin.column),
                        what + ": " + library.error()});
      continue;
    }
    ConfigTableValidator validator(file_name, prepared.file.base_dir, what,
                                   [&log_sink](std::string_view secret) { log_sink.add_secret(secret); });
    validator.reserve({"use", "name", "optional"});
    const std::size_t before = errors.size();
    auto config = validator.validate(*spec.table, library.value()->schema, errors);
    prepared.plugins.push_back(
        {spec.name, spec.use, spec.optional, library.value(), std::move(config), errors.size() == before});
  }
  for (auto& spec : prepared.file.checks_tables) {
    const std::string what = "check \"" + spec.name + "\" (" + spec.use + ")";
    const auto at = [&](std::string message) {
      errors.push_back({file_name, static_cast<int>(spec.where.begin.line), static_cast<int>(spec.where.begin.column),
                        what + ": " + std::move(message)});
    };
    auto library = loader.load(spec.use);
    if (!library) {
      at(library.error());
      continue;
    }
    if (library.value()->descriptor->kind != sdk::Kind::check) {
      at(library.value()->path.string() + " is a " + std::string(sdk::kind_name(library.value()->descriptor->kind)) +
         " plugin, not a check; load it with [[plugin]]");
      continue;
    }
    ConfigTableValidator validator(file_name, prepared.file.base_dir, what,
                                   [&log_sink](std::string_view secret) { log_sink.add_secret(secret); });
    for (auto key : check_table_keys) validator.reserve({key});
    const std::size_t before = errors.size();
    auto config = validator.validate(*spec.table, library.value()->schema, errors);
    prepared.checks.push_back({spec, library.value(), std::move(config), errors.size() == before});
  }
  sort_by_position(errors);
  return prepared;
}

}  // namespace notifyd::core
