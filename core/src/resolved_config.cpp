#include "resolved_config.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace notifyd::core {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void write_string(Writer& writer, std::string_view text) {
  writer.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
}

const toml::table* table_of(const ConfigFile& file, const std::string& instance) {
  for (const auto& spec : file.plugins) {
    if (spec.name == instance) return spec.table;
  }
  return nullptr;
}

// Where a secret comes from, as the table names it (its value is never written).
void write_secret_source(Writer& writer, const ConfigFile& file, const toml::table* table, const std::string& key) {
  writer.StartObject();
  if (table != nullptr) {
    if (auto variable = table->get(key + "_env"); variable && variable->value_exact<std::string>()) {
      writer.Key("env");
      write_string(writer, *variable->value_exact<std::string>());
    } else if (auto path = table->get(key + "_file"); path && path->value_exact<std::string>()) {
      writer.Key("file");
      write_string(writer, (file.base_dir / *path->value_exact<std::string>()).lexically_normal().string());
    }
  }
  writer.EndObject();
}

void write_plugin(Writer& writer, const ConfigFile& file, const PreparedPlugin& plugin) {
  writer.StartObject();
  writer.Key("name");
  write_string(writer, plugin.name);
  writer.Key("use");
  write_string(writer, plugin.use);
  writer.Key("paths");
  writer.StartObject();
  for (const auto& key : plugin.library->schema.keys()) {
    if (key.type != sdk::ConfigType::path) continue;
    writer.Key(key.name.c_str());
    write_string(writer, plugin.config.string(key.name));
  }
  writer.EndObject();
  writer.Key("secrets");
  writer.StartObject();
  const toml::table* table = table_of(file, plugin.name);
  for (const auto& key : plugin.library->schema.keys()) {
    if (key.type != sdk::ConfigType::secret) continue;
    writer.Key(key.name.c_str());
    write_secret_source(writer, file, table, key.name);
  }
  writer.EndObject();
  writer.EndObject();
}

}  // namespace

std::string resolved_config_json(const std::filesystem::path& config_path, const PreparedConfig* config,
                                 const ConfigErrors& errors) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  writer.StartObject();
  writer.Key("config");
  if (config != nullptr) {
    write_string(writer, config->file.path.string());
  } else {
    writer.Null();
  }
  writer.Key("ok");
  writer.Bool(config != nullptr && errors.empty());
  writer.Key("mistakes");
  writer.StartArray();
  if (config == nullptr && errors.empty()) {
    write_string(writer, std::filesystem::absolute(config_path).lexically_normal().string() + ": cannot be read");
  }
  for (const auto& error : errors) write_string(writer, error.to_string());
  writer.EndArray();
  if (config != nullptr) {
    writer.Key("data_dir");
    write_string(writer, config->file.daemon.data_dir.string());
    writer.Key("files");
    writer.StartObject();
    writer.Key("mode");
    writer.Uint(config->file.daemon.files.mode);
    writer.Key("gid");
    if (config->file.daemon.files.group) {
      writer.Uint(*config->file.daemon.files.group);
    } else {
      writer.Null();
    }
    writer.EndObject();
    writer.Key("cluster");
    writer.StartObject();
    writer.Key("backend");
    write_string(writer, config->file.cluster.backend == ClusterBackend::postgres ? "postgres" : "local");
    writer.Key("dsn");
    write_secret_source(writer, config->file, config->file.document->get_as<toml::table>("cluster"), "dsn");
    writer.EndObject();
    writer.Key("plugins");
    writer.StartArray();
    for (const auto& plugin : config->plugins) write_plugin(writer, config->file, plugin);
    writer.EndArray();
  }
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
}

}  // namespace notifyd::core
