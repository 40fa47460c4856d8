#include "verify_attempts.hpp"

#include <algorithm>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "notifyd/sdk/epoch_time.hpp"
#include "notifyd/sdk/json.hpp"

namespace notifyd::telegram {

sdk::Status VerifyAttempts::load() {
  failures_.clear();
  auto content = store_.read(file_);
  if (!content) return sdk::Status::failure(content.error());
  if (!content.value()) return sdk::Status::success();
  rapidjson::Document document;
  if (!sdk::parse_json(*content.value(), document) || !document.IsObject()) {
    return sdk::Status::failure(file_ + " is not a JSON object of failed verifications; starting with none");
  }
  for (const auto& member : document.GetObject()) {
    if (!member.value.IsArray()) continue;
    std::deque<Clock::time_point> times;
    for (const auto& time : member.value.GetArray()) {
      if (time.IsInt64()) times.push_back(sdk::time_point_of_epoch_ms(time.GetInt64()));
    }
    std::sort(times.begin(), times.end());
    while (times.size() > limit_) times.pop_front();
    if (!times.empty()) failures_[std::string(member.name.GetString(), member.name.GetStringLength())] = std::move(times);
  }
  return sdk::Status::success();
}

std::string VerifyAttempts::serialize() const {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartObject();
  for (const auto& [user, times] : failures_) {
    writer.Key(user.data(), static_cast<rapidjson::SizeType>(user.size()));
    writer.StartArray();
    for (const auto time : times) writer.Int64(sdk::epoch_ms_of(time));
    writer.EndArray();
  }
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
}

void VerifyAttempts::expire(Clock::time_point now) {
  for (auto it = failures_.begin(); it != failures_.end();) {
    auto& times = it->second;
    while (!times.empty() && now - times.front() >= window_) times.pop_front();
    it = times.empty() ? failures_.erase(it) : std::next(it);
  }
}

bool VerifyAttempts::allowed(std::string_view user, Clock::time_point now) {
  expire(now);
  const auto found = failures_.find(user);
  return found == failures_.end() || found->second.size() < limit_;
}

sdk::Status VerifyAttempts::failed(const std::string& user, Clock::time_point now) {
  expire(now);
  auto& times = failures_[user];
  times.push_back(now);
  while (times.size() > limit_) times.pop_front();
  return store_.write(file_, serialize());
}

std::chrono::milliseconds VerifyAttempts::retry_in(std::string_view user, Clock::time_point now) {
  if (allowed(user, now)) return std::chrono::milliseconds{0};
  const auto& times = failures_.find(user)->second;
  return std::chrono::ceil<std::chrono::milliseconds>(times.front() + window_ - now);
}

}  // namespace notifyd::telegram
