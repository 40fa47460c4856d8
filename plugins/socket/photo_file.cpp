#include "photo_file.hpp"

#include <climits>

#include "notifyd/sdk/user_file.hpp"

namespace notifyd::socket_api {

namespace fs = std::filesystem;

namespace {

std::string too_large(std::uint64_t limit) { return "photo is larger than " + std::to_string(limit) + " bytes"; }

sdk::HttpResponse unreadable(std::string_view path) {
  return sdk::HttpResponse::error(400, "photo not found or not readable: " + std::string(path));
}

}  // namespace

bool path_within(const fs::path& path, const fs::path& directory) {
  auto p = path.begin();
  for (auto d = directory.begin(); d != directory.end(); ++d, ++p) {
    if (d->empty()) continue;  // a trailing separator in `directory`
    if (p == path.end() || *p != *d) return false;
  }
  return true;
}

bool path_allowed(const fs::path& path, const PhotoPolicy& policy) {
  if (policy.directories.empty()) return true;
  for (const auto& directory : policy.directories) {
    if (path_within(path, directory)) return true;
  }
  return false;
}

sdk::Validated<PhotoFile> load_photo(std::string_view photo_path, const PhotoPolicy& policy, const sdk::http::PeerCredentials& caller) {
  if (photo_path.empty() || photo_path.front() != '/') {
    return sdk::HttpResponse::error(400, "photo_path must be an absolute path");
  }
  if (photo_path.find('\0') != std::string_view::npos || photo_path.size() >= PATH_MAX) {
    return sdk::HttpResponse::error(400, "invalid field: photo_path");
  }
  using Problem = sdk::FileAsRead::Problem;
  auto read = sdk::read_file_as({caller.uid, caller.gid, caller.groups}, std::string(photo_path), policy.max_bytes);
  if (read.problem == Problem::unreadable || read.problem == Problem::not_regular) return unreadable(photo_path);
  if (!path_allowed(read.resolved, policy)) {
    return sdk::HttpResponse::error(403, "photo_path is outside the allowed directories (photo_dirs)");
  }
  if (read.problem == Problem::too_large) return sdk::HttpResponse::error(413, too_large(policy.max_bytes));

  PhotoFile photo;
  photo.bytes = std::move(read.bytes);
  photo.resolved = std::move(read.resolved);
  const auto type = sdk::sniff_image_type(photo.bytes);
  if (!type) return sdk::HttpResponse::error(415, "photo is not a PNG, JPEG, GIF or WebP image");
  photo.type = *type;
  return photo;
}

}  // namespace notifyd::socket_api
