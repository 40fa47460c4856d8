#include "local_ephemeral.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "notifyd/sdk/json.hpp"
#include "notifyd/sdk/utc_time.hpp"

namespace notifyd::core {
namespace {

using Text = sdk::Result<std::optional<std::string>>;

}  // namespace

std::string LocalEphemeral::refusal(std::string_view key, std::string_view value, std::chrono::milliseconds ttl) {
  if (key.empty()) return "an ephemeral key must not be empty";
  if (key.size() > max_key_bytes) return "an ephemeral key must be at most 1024 bytes";
  if (value.size() > max_value_bytes) return "an ephemeral value must be at most 64 KiB";
  if (ttl.count() <= 0) return "an ephemeral key needs a time to live above 0";
  return {};
}

bool LocalEphemeral::room_for_value(Clock::time_point now) {
  if (values_.size() < max_entries_ && values_.size() < 2 * values_at_last_sweep_ + 1024) return true;
  std::erase_if(values_, [now](const auto& entry) { return entry.second.expires <= now; });
  values_at_last_sweep_ = values_.size();
  return values_.size() < max_entries_;
}

void LocalEphemeral::sweep_counters(std::int64_t now_ms) {
  if (counters_.size() < max_entries_ && counters_.size() < 2 * counters_at_last_sweep_ + 1024) return;
  std::erase_if(counters_, [now_ms](const auto& entry) { return entry.second.window_end_ms <= now_ms; });
  counters_at_last_sweep_ = counters_.size();
}

sdk::Status LocalEphemeral::put(std::string_view key, std::string_view value, std::chrono::milliseconds ttl) noexcept {
  try {
    if (auto why = refusal(key, value, ttl); !why.empty()) return sdk::Status::failure(why);
    const auto now = Clock::now();
    std::lock_guard lock(mutex_);
    auto found = values_.find(std::string(key));
    if (found != values_.end()) {
      found->second = {std::string(value), now + ttl};
      return sdk::Status::success();
    }
    if (!room_for_value(now)) return sdk::Status::failure("too many ephemeral keys (" + std::to_string(max_entries_) + ")");
    values_.emplace(std::string(key), Value{std::string(value), now + ttl});
    return sdk::Status::success();
  } catch (const std::exception& e) {
    return sdk::Status::failure(e.what());
  }
}

sdk::Result<bool> LocalEphemeral::put_if_absent(std::string_view key, std::string_view value,
                                                std::chrono::milliseconds ttl) noexcept {
  using R = sdk::Result<bool>;
  try {
    if (auto why = refusal(key, value, ttl); !why.empty()) return R::failure(why);
    const auto now = Clock::now();
    std::lock_guard lock(mutex_);
    auto found = values_.find(std::string(key));
    if (found != values_.end()) {
      if (found->second.expires > now) return false;
      found->second = {std::string(value), now + ttl};
      return true;
    }
    if (!room_for_value(now)) return R::failure("too many ephemeral keys (" + std::to_string(max_entries_) + ")");
    values_.emplace(std::string(key), Value{std::string(value), now + ttl});
    return true;
  } catch (const std::exception& e) {
    return R::failure(e.what());
  }
}

sdk::Result<std::optional<std::string>> LocalEphemeral::get(std::string_view key) const noexcept {
  try {
    const auto now = Clock::now();
    std::lock_guard lock(mutex_);
    const auto found = values_.find(std::string(key));
    if (found == values_.end() || found->second.expires <= now) return std::optional<std::string>{};
    return std::optional<std::string>{found->second.value};
  } catch (const std::exception& e) {
    return Text::failure(e.what());
  }
}

sdk::Result<std::optional<std::string>> LocalEphemeral::take(std::string_view key) noexcept {
  try {
    const auto now = Clock::now();
    std::lock_guard lock(mutex_);
    auto found = values_.find(std::string(key));
    if (found == values_.end()) return std::optional<std::string>{};
    const bool live = found->second.expires > now;
    std::optional<std::string> value;
    if (live) value = std::move(found->second.value);
    values_.erase(found);
    return value;
  } catch (const std::exception& e) {
    return Text::failure(e.what());
  }
}

sdk::Status LocalEphemeral::remove(std::string_view key) noexcept {
  try {
    std::lock_guard lock(mutex_);
    values_.erase(std::string(key));
    return sdk::Status::success();
  } catch (const std::exception& e) {
    return sdk::Status::failure(e.what());
  }
}

sdk::Result<std::uint64_t> LocalEphemeral::count(std::string_view key, std::chrono::milliseconds window,
                                                 std::uint64_t amount) noexcept {
  using R = sdk::Result<std::uint64_t>;
  try {
    if (auto why = refusal(key, {}, window); !why.empty()) {
      return R::failure(window.count() <= 0 ? "a counter's window must be longer than 0" : why);
    }
    const std::int64_t now_ms = sdk::now_epoch_ms();
    const std::int64_t start = now_ms - now_ms % window.count();
    std::lock_guard lock(mutex_);
    auto found = counters_.find(std::string(key));
    if (found == counters_.end()) {
      sweep_counters(now_ms);
      if (counters_.size() >= max_entries_) {
        return R::failure("too many ephemeral counters (" + std::to_string(max_entries_) + ")");
      }
      found = counters_.emplace(std::string(key), Counter{}).first;
    }
    Counter& counter = found->second;
    if (counter.window_start_ms != start || counter.window_end_ms != start + window.count()) {
      counter = {start, start + window.count(), 0};
    }
    counter.total += amount;
    return counter.total;
  } catch (const std::exception& e) {
    return R::failure(e.what());
  }
}

std::string LocalEphemeral::snapshot() const {
  const auto now = Clock::now();
  const std::int64_t now_ms = sdk::now_epoch_ms();
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartObject();
  writer.Key("version");
  writer.Int(1);
  std::lock_guard lock(mutex_);
  writer.Key("keys");
  writer.StartArray();
  for (const auto& [key, value] : values_) {
    if (value.expires <= now) continue;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(value.expires - now).count();
    writer.StartObject();
    writer.Key("key");
    writer.String(key.data(), static_cast<rapidjson::SizeType>(key.size()));
    writer.Key("value");
    writer.String(value.value.data(), static_cast<rapidjson::SizeType>(value.value.size()));
    writer.Key("expires_ms");
    writer.Int64(now_ms + std::max<std::int64_t>(left, 1));
    writer.EndObject();
  }
  writer.EndArray();
  writer.Key("counters");
  writer.StartArray();
  for (const auto& [key, counter] : counters_) {
    if (counter.window_end_ms <= now_ms) continue;
    writer.StartObject();
    writer.Key("key");
    writer.String(key.data(), static_cast<rapidjson::SizeType>(key.size()));
    writer.Key("start_ms");
    writer.Int64(counter.window_start_ms);
    writer.Key("end_ms");
    writer.Int64(counter.window_end_ms);
    writer.Key("total");
    writer.Uint64(counter.total);
    writer.EndObject();
  }
  writer.EndArray();
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

bool LocalEphemeral::restore(std::string_view json) {
  rapidjson::Document document;
  if (!sdk::parse_json(json, document) || !document.IsObject() || sdk::json_int64(document, "version") != 1) {
    return false;
  }
  const auto* keys = sdk::json_member(document, "keys");
  const auto* counters = sdk::json_member(document, "counters");
  if (!keys || !keys->IsArray() || !counters || !counters->IsArray()) return false;
  const auto now = Clock::now();
  const std::int64_t now_ms = sdk::now_epoch_ms();
  std::lock_guard lock(mutex_);
  for (const auto& item : keys->GetArray()) {
    const auto key = sdk::json_string(item, "key");
    const auto value = sdk::json_string(item, "value");
    const auto expires_ms = sdk::json_int64(item, "expires_ms");
    if (!key || !value || !expires_ms || *expires_ms <= now_ms) continue;
    const std::chrono::milliseconds left(*expires_ms - now_ms);
    if (!refusal(*key, *value, left).empty() || values_.contains(*key) || !room_for_value(now)) continue;
    values_.emplace(*key, Value{*value, now + left});
  }
  for (const auto& item : counters->GetArray()) {
    const auto key = sdk::json_string(item, "key");
    const auto start_ms = sdk::json_int64(item, "start_ms");
    const auto end_ms = sdk::json_int64(item, "end_ms");
    const auto total = sdk::json_member(item, "total");
    if (!key || !start_ms || !end_ms || !total || !total->IsUint64() || *end_ms <= now_ms || *end_ms <= *start_ms) {
      continue;
    }
    if (key->empty() || key->size() > max_key_bytes || counters_.contains(*key)) continue;
    sweep_counters(now_ms);
    if (counters_.size() >= max_entries_) break;
    counters_.emplace(*key, Counter{*start_ms, *end_ms, total->GetUint64()});
  }
  return true;
}

}  // namespace notifyd::core
