#include "resolved_config.hpp"

#include <rapidjson/document.h>

namespace notifyctl {
namespace {

std::optional<std::string> string_at(const rapidjson::Value& object, const char* name) {
  const auto found = object.FindMember(name);
  if (found == object.MemberEnd() || !found->value.IsString()) return std::nullopt;
  return std::string(found->value.GetString(), found->value.GetStringLength());
}

const rapidjson::Value* object_at(const rapidjson::Value& object, const char* name) {
  const auto found = object.FindMember(name);
  return found != object.MemberEnd() && found->value.IsObject() ? &found->value : nullptr;
}

void read_plugin(const rapidjson::Value& plugin, ResolvedConfig& config) {
  if (!plugin.IsObject()) return;
  const std::string name = string_at(plugin, "name").value_or("");
  const std::string use = string_at(plugin, "use").value_or("");
  if (const auto* paths = object_at(plugin, "paths"); paths && use == "socket" && !config.socket_path) {
    config.socket_path = string_at(*paths, "path");
  }
  if (const auto* secrets = object_at(plugin, "secrets")) {
    for (const auto& secret : secrets->GetObject()) {
      if (!secret.value.IsObject()) continue;
      config.secrets.push_back({name, string_at(secret.value, "env").value_or(""),
                                string_at(secret.value, "file").value_or(""),
                                std::string(secret.name.GetString(), secret.name.GetStringLength()), use});
    }
  }
}

}  // namespace

std::optional<ResolvedConfig> decode_resolved_config(std::string_view text) {
  rapidjson::Document document;
  document.Parse<rapidjson::kParseIterativeFlag>(text.data(), text.size());
  if (document.HasParseError() || !document.IsObject()) return std::nullopt;
  const auto ok = document.FindMember("ok");
  const auto mistakes = document.FindMember("mistakes");
  if (ok == document.MemberEnd() || !ok->value.IsBool() || mistakes == document.MemberEnd() ||
      !mistakes->value.IsArray()) {
    return std::nullopt;
  }
  ResolvedConfig config;
  config.ok = ok->value.GetBool();
  for (const auto& mistake : mistakes->value.GetArray()) {
    if (mistake.IsString()) config.mistakes.emplace_back(mistake.GetString(), mistake.GetStringLength());
  }
  config.data_dir = string_at(document, "data_dir");
  if (const auto* files = object_at(document, "files")) {
    if (const auto mode = files->FindMember("mode"); mode != files->MemberEnd() && mode->value.IsUint()) {
      config.file_mode = mode->value.GetUint();
    }
    if (const auto gid = files->FindMember("gid"); gid != files->MemberEnd() && gid->value.IsUint()) {
      config.file_gid = gid->value.GetUint();
    }
  }
  if (const auto* cluster = object_at(document, "cluster")) {
    config.cluster_backend = string_at(*cluster, "backend").value_or("local");
    if (const auto* dsn = object_at(*cluster, "dsn")) {
      SecretSource source{"cluster", string_at(*dsn, "env").value_or(""), string_at(*dsn, "file").value_or(""), "dsn",
                          "cluster"};
      if (!source.variable.empty() || !source.file.empty()) config.cluster_dsn = std::move(source);
    }
  }
  if (const auto plugins = document.FindMember("plugins"); plugins != document.MemberEnd() && plugins->value.IsArray()) {
    for (const auto& plugin : plugins->value.GetArray()) read_plugin(plugin, config);
  }
  return config;
}

}  // namespace notifyctl
