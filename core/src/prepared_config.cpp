#include "prepared_config.hpp"

#include "config_table_validator.hpp"

namespace notifyd::core {

std::optional<PreparedConfig> prepare_config(const std::filesystem::path& path, LogSink& log_sink,
                                             ConfigErrors& errors) {
  auto file = read_config_file(path, errors);
  if (!file) return std::nullopt;
  PreparedConfig prepared{std::move(*file), {}};
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
    auto config = validator.validate(*spec.table, library.value()->schema, errors);
    prepared.plugins.push_back({spec.name, spec.use, spec.optional, library.value(), std::move(config)});
  }
  sort_by_position(errors);
  return prepared;
}

}  // namespace notifyd::core
