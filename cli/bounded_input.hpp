#pragma once

#include <cstddef>
#include <istream>
#include <string>
#include <variant>

namespace notifyctl {

inline constexpr std::size_t stdin_limit = 1024 * 1024;
inline constexpr std::size_t image_limit = 10 * 1024 * 1024;

/// Local input that could not be read, as a one-line message.
struct InputError {
  std::string message;
};

/// All of `input`, or an error once it exceeds `limit` bytes. `what` names the
/// input in messages ("stdin").
std::variant<std::string, InputError> read_all(std::istream& input, std::size_t limit, const std::string& what);

/// The bytes of the regular file at `path`, or an error naming it when it is
/// missing, unreadable, not a regular file or larger than `limit` bytes.
std::variant<std::string, InputError> read_file(const std::string& path, std::size_t limit);

/// "1 MiB", "10 MiB", "512 KiB", "100 bytes".
std::string describe_size(std::size_t bytes);

}  // namespace notifyctl
