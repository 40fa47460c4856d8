#include "log_sink.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "notifyd/sdk/utc_time.hpp"

namespace notifyd::core {
namespace {

std::string url_encode(std::string_view text) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::string_view level_name(sdk::LogLevel level) {
  switch (level) {
    case sdk::LogLevel::debug: return "debug";
    case sdk::LogLevel::info: return "info ";
    case sdk::LogLevel::warn: return "warn ";
    case sdk::LogLevel::error: return "error";
  }
  return "?    ";
}

}  // namespace

void LogSink::add_secret(std::string_view secret) {
  if (secret.size() < 4) return;
  std::lock_guard lock(mutex_);
  secrets_.emplace_back(secret);
  if (auto encoded = url_encode(secret); encoded != secret) secrets_.push_back(std::move(encoded));
}

std::string LogSink::redact(std::string_view text) const {
  std::string out(text);
  std::lock_guard lock(mutex_);
  for (const auto& secret : secrets_) {
    for (auto pos = out.find(secret); pos != std::string::npos; pos = out.find(secret, pos)) {
      out.replace(pos, secret.size(), "[redacted]");
    }
  }
  return out;
}

void LogSink::write(sdk::LogLevel level, std::string_view prefix, std::string_view message) noexcept {
  if (!enabled(level)) return;
  try {
    std::string line = sdk::format_utc_timestamp(sdk::now_epoch_ms(), sdk::SecondFraction::milliseconds);
    line += ' ';
    line += level_name(level);
    line += ' ';
    line += prefix;
    line += ": ";
    for (char c : message) {
      if (c == '\n') line += "\\n";
      else if (c == '\r') line += "\\r";
      else line += c;
    }
    line = redact(line);
    line += '\n';
    std::size_t written = 0;
    while (written < line.size()) {
      const ssize_t n = ::write(fd_.load(), line.data() + written, line.size() - written);
      if (n <= 0) break;
      written += static_cast<std::size_t>(n);
    }
  } catch (...) {
  }
}

sdk::Status LogSink::open_file(const std::string& path) {
  std::lock_guard lock(file_mutex_);
  if (path.empty()) {
    if (!file_path_.empty()) return sdk::Status::failure("the log file cannot be switched back to stderr while running");
    return sdk::Status::success();
  }
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
  if (fd < 0) return sdk::Status::failure("cannot open log file " + path + ": " + std::strerror(errno));
  if (fd_.load() == STDERR_FILENO) {
    fd_.store(fd);
  } else {
    // Writers keep using the same descriptor number; dup2 swaps the file under it atomically.
    ::dup2(fd, fd_.load());
    ::close(fd);
  }
  file_path_ = path;
  return sdk::Status::success();
}

sdk::Status LogSink::reopen() {
  std::string path;
  {
    std::lock_guard lock(file_mutex_);
    path = file_path_;
  }
  return path.empty() ? sdk::Status::success() : open_file(path);
}

bool parse_log_level(std::string_view text, sdk::LogLevel& level) noexcept {
  if (text == "debug") level = sdk::LogLevel::debug;
  else if (text == "info") level = sdk::LogLevel::info;
  else if (text == "warn") level = sdk::LogLevel::warn;
  else if (text == "error") level = sdk::LogLevel::error;
  else return false;
  return true;
}

}  // namespace notifyd::core
