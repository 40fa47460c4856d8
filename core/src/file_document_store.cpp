#include "file_document_store.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include "atomic_file.hpp"

namespace notifyd::core {
namespace {

using Snapshot = sdk::Result<sdk::DocumentSnapshot>;

// Closes a file descriptor when it goes out of scope.
struct OwnedFd {
  int fd = -1;
  ~OwnedFd() {
    if (fd >= 0) ::close(fd);
  }
};

std::string errno_text() { return std::strerror(errno); }

// The content of `path` and the stamp of the file it was read from.
Snapshot read_file(const std::filesystem::path& path, std::size_t limit) {
  OwnedFd file{::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC)};
  if (file.fd < 0) {
    if (errno == ENOENT) return sdk::DocumentSnapshot{};
    return Snapshot::failure("cannot read " + path.string() + ": " + errno_text());
  }
  const auto stamp = stamp_of(file.fd);
  if (!stamp.exists) return Snapshot::failure("cannot read " + path.string() + ": " + errno_text());
  if (stamp.size > limit) return Snapshot::failure(path.string() + " is larger than 16 MiB");
  std::string content(static_cast<std::size_t>(stamp.size), '\0');
  std::size_t used = 0;
  while (used < content.size()) {
    const ssize_t n = ::read(file.fd, content.data() + used, content.size() - used);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Snapshot::failure("cannot read " + path.string() + ": " + errno_text());
    if (n == 0) break;  // truncated while being read: the stamp no longer matches, so the next look reads again
    used += static_cast<std::size_t>(n);
  }
  content.resize(used);
  return sdk::DocumentSnapshot{std::move(content), stamp};
}

// Holds flock(LOCK_EX) on `path` (created with `permissions`) until destroyed.
class FileLock {
 public:
  sdk::Status acquire(const std::filesystem::path& path, const FilePermissions& permissions,
                      std::chrono::milliseconds wait) {
    file_.fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (file_.fd < 0) return sdk::Status::failure("cannot open the lock file " + path.string() + ": " + errno_text());
    if (auto status = apply_permissions(file_.fd, permissions, path); !status) return status;
    const auto deadline = std::chrono::steady_clock::now() + wait;
    for (;;) {
      if (::flock(file_.fd, LOCK_EX | LOCK_NB) == 0) return sdk::Status::success();
      if (errno == EINTR) continue;
      if (errno != EWOULDBLOCK) return sdk::Status::failure("cannot lock " + path.string() + ": " + errno_text());
      if (std::chrono::steady_clock::now() >= deadline) {
        return sdk::Status::failure(path.string() + " is still locked by another program after " +
                                    std::to_string(wait.count()) + " ms");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }

 private:
  OwnedFd file_;  // closing it releases the lock
};

// Every other writer of one document shut out: this store's by its mutex,
// other programs' by flock on `<document>.lock` (its directory is created).
class WritersShutOut {
 public:
  sdk::Status acquire(const std::filesystem::path& document, std::mutex& mutex, const FilePermissions& permissions) {
    std::error_code ec;
    std::filesystem::create_directories(document.parent_path(), ec);
    if (ec) return sdk::Status::failure("cannot create " + document.parent_path().string() + ": " + ec.message());
    in_process_ = std::unique_lock(mutex);
    auto lock_path = document;
    lock_path += ".lock";
    return file_.acquire(lock_path, permissions, FileDocumentStore::lock_wait);
  }

 private:
  std::unique_lock<std::mutex> in_process_;
  FileLock file_;  // released first
};

// `name` as scans spell it: normalised, with '/' between parts.
std::string normal_name(std::string_view name) {
  return std::filesystem::path(std::string(name)).lexically_normal().generic_string();
}

// True for files that are not documents: temp files of atomic writes (hidden) and lock files.
bool ignored(const std::filesystem::path& path) {
  const auto file = path.filename().string();
  return file.starts_with(".") || file.ends_with(".lock");
}

}  // namespace

FileDocumentStore::FileDocumentStore(std::filesystem::path root, FilePermissions permissions, const LocalLeases* leases)
    : root_(std::move(root)),
      permissions_(std::move(permissions)),
      leases_(leases),
      watchers_([this](const std::string& prefix) { return scan(prefix); }, watch_interval) {}

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
  auto current = snapshot(name);
  if (!current) return R::failure(current.error());
  return std::move(current.value().content);
}

sdk::Result<sdk::DocumentSnapshot> FileDocumentStore::snapshot(std::string_view name) const noexcept {
  try {
    auto path = resolve(name);
    if (!path) return Snapshot::failure(path.error());
    return read_file(path.value(), max_document_bytes);
  } catch (const std::exception& e) {
    return Snapshot::failure(e.what());
  }
}

sdk::Result<sdk::DocumentStamp> FileDocumentStore::stamp(std::string_view name) const noexcept {
  using R = sdk::Result<sdk::DocumentStamp>;
  try {
    auto path = resolve(name);
    if (!path) return R::failure(path.error());
    struct stat info {};
    if (::stat(path.value().c_str(), &info) != 0) {
      if (errno == ENOENT) return sdk::DocumentStamp{};
      return R::failure("cannot stat " + path.value().string() + ": " + errno_text());
    }
    return stamp_of(info);
  } catch (const std::exception& e) {
    return R::failure(e.what());
  }
}

sdk::Status FileDocumentStore::write(std::string_view name, std::string_view content) noexcept {
  try {
    auto path = resolve(name);
    if (!path) return sdk::Status::failure(path.error());
    std::lock_guard lock(write_mutex_);
    sdk::DocumentStamp stamp;
    auto status = write_file_atomically(path.value(), content, permissions_, &stamp);
    if (status) watchers_.written(normal_name(name), stamp);
    return status;
  } catch (const std::exception& e) {
    return sdk::Status::failure(e.what());
  }
}

sdk::Result<sdk::DocumentSnapshot> FileDocumentStore::update(std::string_view name,
                                                             const sdk::DocumentChange& change) noexcept {
  try {
    auto path = resolve(name);
    if (!path) return Snapshot::failure(path.error());
    WritersShutOut lock;
    if (auto status = lock.acquire(path.value(), write_mutex_, permissions_); !status) {
      return Snapshot::failure(status.message);
    }
    auto current = read_file(path.value(), max_document_bytes);
    if (!current) return current;
    auto next = change(current.value().content);
    if (!next) return Snapshot::failure(next.error());
    if (!next.value()) return current;
    sdk::DocumentSnapshot written{std::move(next).value(), {}};
    if (auto status = write_file_atomically(path.value(), *written.content, permissions_, &written.stamp); !status) {
      return Snapshot::failure(status.message);
    }
    watchers_.written(normal_name(name), written.stamp);
    return written;
  } catch (const std::exception& e) {
    return Snapshot::failure(e.what());
  }
}

sdk::Status FileDocumentStore::remove(std::string_view name) noexcept {
  try {
    auto path = resolve(name);
    if (!path) return sdk::Status::failure(path.error());
    std::error_code ec;
    const bool removed = std::filesystem::remove(path.value(), ec);
    if (ec) return sdk::Status::failure("cannot remove " + path.value().string() + ": " + ec.message());
    if (removed) watchers_.written(normal_name(name), {});
    return sdk::Status::success();
  } catch (const std::exception& e) {
    return sdk::Status::failure(e.what());
  }
}

std::uint64_t FileDocumentStore::version_of_snapshot(const sdk::DocumentSnapshot& snapshot) noexcept {
  if (!snapshot.content) return 0;
  // The stamp alone can repeat (an inode reused within one tick of the file
  // system's clock); the content's hash makes that harmless.
  std::uint64_t mixed = version_of(snapshot.stamp) ^ (std::hash<std::string_view>{}(*snapshot.content) * 1099511628211ull);
  return mixed == 0 || mixed == any_version ? 1 : mixed;
}

sdk::Result<sdk::VersionedDocument> FileDocumentStore::read_versioned(std::string_view name) const noexcept {
  using R = sdk::Result<sdk::VersionedDocument>;
  auto current = snapshot(name);
  if (!current) return R::failure(current.error());
  const auto version = version_of_snapshot(current.value());
  return sdk::VersionedDocument{std::move(current.value().content), version};
}

sdk::Result<sdk::ConditionalWrite> FileDocumentStore::write_if(std::string_view name,
                                                               std::optional<std::string_view> content,
                                                               std::uint64_t expected, const sdk::Fence& fence) noexcept {
  using R = sdk::Result<sdk::ConditionalWrite>;
  try {
    if (fence && !leases_) return R::failure("this document store cannot check a lease's fence");
    if (content && content->size() > max_document_bytes) {
      return R::failure("document \"" + std::string(name) + "\" would be larger than 16 MiB");
    }
    auto path = resolve(name);
    if (!path) return R::failure(path.error());
    WritersShutOut lock;
    if (auto status = lock.acquire(path.value(), write_mutex_, permissions_); !status) return R::failure(status.message);

    sdk::ConditionalWrite outcome;
    std::string failure;
    std::optional<sdk::DocumentStamp> written;
    const auto check_and_write = [&] {
      auto current = read_file(path.value(), max_document_bytes);
      if (!current) {
        failure = current.error();
        return;
      }
      const auto found = version_of_snapshot(current.value());
      if (expected != any_version && found != expected) {
        outcome = {sdk::WriteOutcome::changed, found};
        return;
      }
      if (!content) {
        outcome = {sdk::WriteOutcome::written, 0};
        if (!current.value().content) return;
        if (::unlink(path.value().c_str()) != 0 && errno != ENOENT) {
          failure = "cannot remove " + path.value().string() + ": " + errno_text();
          return;
        }
        written = sdk::DocumentStamp{};
        return;
      }
      sdk::DocumentSnapshot next{std::string(*content), {}};
      if (auto status = write_file_atomically(path.value(), *content, permissions_, &next.stamp); !status) {
        failure = status.message;
        return;
      }
      outcome = {sdk::WriteOutcome::written, version_of_snapshot(next)};
      written = next.stamp;
    };
    if (fence) {
      if (!leases_->while_current(fence, check_and_write)) {
        if (fenced_) fenced_->inc();
        return sdk::ConditionalWrite{sdk::WriteOutcome::fenced, 0};
      }
    } else {
      check_and_write();
    }
    if (!failure.empty()) return R::failure(failure);
    if (written) watchers_.written(normal_name(name), *written);
    return outcome;
  } catch (const std::exception& e) {
    return R::failure(e.what());
  }
}

sdk::Subscription FileDocumentStore::watch(std::string prefix, boost::asio::any_io_executor executor,
                                           std::function<void(std::string name)> changed) noexcept {
  try {
    return watchers_.watch(std::move(prefix), std::move(executor), std::move(changed));
  } catch (const std::exception&) {
    return {};
  }
}

std::optional<DocumentWatchers::Stamps> FileDocumentStore::scan(const std::string& prefix) const {
  try {
    DocumentWatchers::Stamps found;
    const auto slash = prefix.rfind('/');
    const std::string directory = slash == std::string::npos ? std::string() : prefix.substr(0, slash + 1);
    const std::string start = prefix.substr(directory.size());
    if (directory.starts_with("/") || std::filesystem::path(directory).lexically_normal().string().starts_with("..")) {
      return found;
    }
    const auto base = root_ / directory;
    const auto add = [&](const std::filesystem::path& file) {
      if (found.size() >= max_watched_documents || ignored(file)) return;
      struct stat info {};
      if (::stat(file.c_str(), &info) != 0 || !S_ISREG(info.st_mode)) return;
      found.emplace(file.lexically_relative(root_).generic_string(), stamp_of(info));
    };
    std::error_code ec;
    std::filesystem::directory_iterator entries(base, ec);
    if (ec) {
      if (ec == std::errc::no_such_file_or_directory || ec == std::errc::not_a_directory) return found;
      return std::nullopt;
    }
    for (const auto& entry : entries) {
      const auto file = entry.path().filename().string();
      if (!file.starts_with(start) || ignored(entry.path())) continue;
      if (entry.is_directory(ec)) {
        std::filesystem::recursive_directory_iterator inside(entry.path(), ec);
        if (ec) continue;
        for (const auto& nested : inside) {
          if (found.size() >= max_watched_documents) break;
          if (nested.is_regular_file(ec)) add(nested.path());
        }
      } else {
        add(entry.path());
      }
    }
    return found;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace notifyd::core
