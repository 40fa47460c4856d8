#include "bounded_input.hpp"

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace notifyctl {
namespace {

class FileDescriptor {
 public:
  explicit FileDescriptor(int descriptor) : descriptor_(descriptor) {}
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  ~FileDescriptor() {
    if (descriptor_ >= 0) ::close(descriptor_);
  }
  int get() const { return descriptor_; }

 private:
  int descriptor_;
};

InputError file_error(const std::string& path, const std::string& problem) {
  return {"cannot read " + path + ": " + problem};
}

}  // namespace

std::variant<std::string, InputError> read_all(std::istream& input, std::size_t limit, const std::string& what) {
  std::string data;
  char chunk[64 * 1024];
  while (input.read(chunk, sizeof chunk) || input.gcount() > 0) {
    data.append(chunk, static_cast<std::size_t>(input.gcount()));
    if (data.size() > limit) return InputError{what + " is larger than the " + describe_size(limit) + " limit"};
  }
  if (input.bad()) return InputError{"cannot read " + what};
  return data;
}

std::variant<std::string, InputError> read_file(const std::string& path, std::size_t limit) {
  FileDescriptor file(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  if (file.get() < 0) return file_error(path, std::strerror(errno));
  struct stat status {};
  if (::fstat(file.get(), &status) != 0) return file_error(path, std::strerror(errno));
  if (S_ISDIR(status.st_mode)) return file_error(path, "is a directory");
  if (!S_ISREG(status.st_mode)) return file_error(path, "not a regular file");
  const auto too_large = [&] { return InputError{path + " is larger than the " + describe_size(limit) + " limit"}; };
  if (static_cast<std::uint64_t>(status.st_size) > limit) return too_large();

  std::string data;
  data.reserve(static_cast<std::size_t>(status.st_size));
  char chunk[64 * 1024];
  for (;;) {
    const ssize_t count = ::read(file.get(), chunk, sizeof chunk);
    if (count < 0) {
      if (errno == EINTR) continue;
      return file_error(path, std::strerror(errno));
    }
    if (count == 0) return data;
    data.append(chunk, static_cast<std::size_t>(count));
    if (data.size() > limit) return too_large();
  }
}

std::string describe_size(std::size_t bytes) {
  constexpr std::size_t kib = 1024;
  constexpr std::size_t mib = 1024 * kib;
  if (bytes >= mib && bytes % mib == 0) return std::to_string(bytes / mib) + " MiB";
  if (bytes >= kib && bytes % kib == 0) return std::to_string(bytes / kib) + " KiB";
  return std::to_string(bytes) + " bytes";
}

}  // namespace notifyctl
