#include "file_document_store.hpp"

#include <fstream>

#include "atomic_file.hpp"

namespace notifyd::core {

sdk::Result<std::filesystem::path> FileDocumentStore::resolve(std::string_view name) const {
  const std::filesystem::path relative{std::string(name)};
  if (name.empty() || relative.is_absolute()) {
    return sdk::Result<std::filesystem::path>::failure("document name must be a relative path: \"" + std::string(name) + "\"");
  }
  for (const auto& part : relative) {
    if (part == "..") {
      return sdk::Result<std::filesystem::path>::failure("document name must stay inside the data directory: \"" +
                                                         std::string(name) + "\"");
    }
  }
  return root_ / relative;
}

sdk::Result<std::optional<std::string>> FileDocumentStore::read(std::string_view name) const noexcept {
  using R = sdk::Result<std::optional<std::string>>;
  try {
    auto path = resolve(name);
    if (!path) return R::failure(path.error());
    std::error_code ec;
    const auto size = std::filesystem::file_size(path.value(), ec);
    if (ec == std::errc::no_such_file_or_directory) return std::optional<std::string>{};
    if (ec) return R::failure("cannot read " + path.value().string() + ": " + ec.message());
    if (size > max_document_bytes) return R::failure(path.value().string() + " is larger than 16 MiB");
    std::ifstream in(path.value(), std::ios::binary);
    if (!in) return R::failure("cannot open " + path.value().string());
    std::string content(size, '\0');
    in.read(content.data(), static_cast<std::streamsize>(size));
    content.resize(static_cast<std::size_t>(in.gcount()));
    return std::optional<std::string>{std::move(content)};
  } catch (const std::exception& e) {
    return R::failure(e.what());
  }
}

sdk::Status FileDocumentStore::write(std::string_view name, std::string_view content) noexcept {
  try {
    auto path = resolve(name);
    if (!path) return sdk::Status::failure(path.error());
    std::lock_guard lock(write_mutex_);
    return write_file_atomically(path.value(), content);
  } catch (const std::exception& e) {
    return sdk::Status::failure(e.what());
  }
}

sdk::Status FileDocumentStore::remove(std::string_view name) noexcept {
  try {
    auto path = resolve(name);
    if (!path) return sdk::Status::failure(path.error());
    std::error_code ec;
    std::filesystem::remove(path.value(), ec);
    if (ec) return sdk::Status::failure("cannot remove " + path.value().string() + ": " + ec.message());
    return sdk::Status::success();
  } catch (const std::exception& e) {
    return sdk::Status::failure(e.what());
  }
}

}  // namespace notifyd::core
