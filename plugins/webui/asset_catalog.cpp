#include "embedded_assets.hpp"

namespace notifyd::webui {

const EmbeddedAsset* find_asset(std::string_view name) noexcept {
  for (const auto& asset : embedded_assets()) {
    if (asset.name == name) return &asset;
  }
  return nullptr;
}

std::string_view asset_version(const EmbeddedAsset& asset) noexcept { return asset.sha256.substr(0, 16); }

std::string asset_url(std::string_view name) {
  const auto* asset = find_asset(name);
  std::string url = "/assets/" + std::string(name);
  if (asset) url += "?v=" + std::string(asset_version(*asset));
  return url;
}

}  // namespace notifyd::webui
