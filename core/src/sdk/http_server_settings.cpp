#include "notifyd/sdk/http/server_settings.hpp"

namespace notifyd::sdk::http {
namespace {

SettingsSchema<ServerSettings> server_schema(const ServerKeys& keys) {
  SettingsSchema<ServerSettings> schema;
  bind_listen_keys(schema, keys);
  bind_limit_keys(schema, keys);
  return schema;
}

}  // namespace

void describe_server_keys(ConfigSchema& schema, const ServerKeys& keys) { server_schema(keys).describe(schema); }

ServerSettings read_server_settings(const PluginConfig& config, const ServerKeys& keys, ConfigProblems& problems) {
  auto settings = server_schema(keys).read(config);
  if (settings) return std::move(settings).value();
  problems.add_status(Status::failure(settings.error()));
  return ServerSettings{};
}

}  // namespace notifyd::sdk::http
