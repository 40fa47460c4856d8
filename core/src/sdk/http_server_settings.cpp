#include "notifyd/sdk/http/server_settings.hpp"

namespace notifyd::sdk::http {
namespace {

struct ServerOnly {
  ServerSettings server;
};

SettingsSchema<ServerOnly> server_only_schema(const ServerKeys& keys) {
  SettingsSchema<ServerOnly> schema;
  bind_server_keys(schema, &ServerOnly::server, keys);
  return schema;
}

}  // namespace

void describe_server_keys(ConfigSchema& schema, const ServerKeys& keys) { server_only_schema(keys).describe(schema); }

ServerSettings read_server_settings(const PluginConfig& config, const ServerKeys& keys, ConfigProblems& problems) {
  auto read = server_only_schema(keys).read(config);
  if (!read) {
    problems.add_status(Status::failure(read.error()));
    return {};
  }
  return read.value().server;
}

}  // namespace notifyd::sdk::http
