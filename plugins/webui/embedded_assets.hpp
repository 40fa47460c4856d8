#pragma once
// The stylesheet, script and icon of the dashboard, compiled into the plugin
// (generated from plugins/webui/assets by embed_assets.cmake).

#include <span>
#include <string>
#include <string_view>

namespace notifyd::webui {

/// One file from plugins/webui/assets.
struct EmbeddedAsset {
  std::string_view name;          ///< file name, e.g. `app.js`
  std::string_view content_type;  ///< e.g. `text/javascript; charset=utf-8`
  std::string_view bytes;
  std::string_view sha256;        ///< hex digest of `bytes`
};

/// Every embedded file (defined in the generated source).
std::span<const EmbeddedAsset> embedded_assets() noexcept;

/// The file named `name`, or nullptr.
const EmbeddedAsset* find_asset(std::string_view name) noexcept;

/// The URL pages use for `name`: `/assets/<name>?v=<digest prefix>`, so a new
/// build's files are fetched while unchanged ones stay cached for a year.
std::string asset_url(std::string_view name);

/// The `v` parameter `asset_url` puts on `asset`.
std::string_view asset_version(const EmbeddedAsset& asset) noexcept;

}  // namespace notifyd::webui
