#pragma once
// `GET /v1/history` and `GET /v1/health` answers. Served by the socket
// front-end, decoded by notifyctl.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "notifyd/sdk/api/json_codec.hpp"
#include "notifyd/sdk/notification_service.hpp"

namespace notifyd::sdk::api {

/// The daemon does not say where it keeps a notification's image, only that
/// there is one (`"image": true`): a decoded notification with an image has
/// this `image_path`.
inline constexpr std::string_view withheld_image_path = "(kept by notifyd)";

/// `GET /v1/history`: `{"notifications":[<HistoryEntry>...],"next_before":<id or null>}`, newest first.
struct HistoryPage {
  std::vector<HistoryEntry> notifications;
  std::optional<std::uint64_t> next_before;  ///< pass as `?before=` for older ones; nothing when none are left
};

/// `GET /v1/health`: `{"status":"ok","channels":[<ChannelHealth>...]}`.
struct HealthReport {
  std::string status;  ///< "ok"
  std::vector<ChannelHealth> channels;
};

/// `{"id","user","title","message","format","source","data","image","created_at",
/// "deliveries":[{"channel","state","attempts","last_error","updated_at"}],
/// "attempts":[{"channel","at","outcome","error"}]}`: `format` a wire name
/// (`Markdown`, `plain`, …), `data` the kept object or null, `image` whether
/// there is one, times ISO-8601 with milliseconds.
template <>
struct JsonCodec<HistoryEntry> {
  static void write(JsonWriter& out, const HistoryEntry& entry);
  static Status read(const rapidjson::Value& value, const std::string& where, HistoryEntry& entry);
};

template <>
struct JsonCodec<DeliveryRecord> {
  static void write(JsonWriter& out, const DeliveryRecord& delivery);
  static Status read(const rapidjson::Value& value, const std::string& where, DeliveryRecord& delivery);
};

template <>
struct JsonCodec<AttemptRecord> {
  static void write(JsonWriter& out, const AttemptRecord& attempt);
  static Status read(const rapidjson::Value& value, const std::string& where, AttemptRecord& attempt);
};

template <>
struct JsonCodec<HistoryPage> {
  static void write(JsonWriter& out, const HistoryPage& page);
  static Status read(const rapidjson::Value& value, const std::string& where, HistoryPage& page);
};

/// `{"channel","pending","in_flight","retrying","delivered","failed"}`, then
/// `state`, `last_error` and `figures` (`{"connections":3}`, in order) only
/// when there is something to say.
template <>
struct JsonCodec<ChannelHealth> {
  static void write(JsonWriter& out, const ChannelHealth& channel);
  static Status read(const rapidjson::Value& value, const std::string& where, ChannelHealth& channel);
};

template <>
struct JsonCodec<HealthReport> {
  static void write(JsonWriter& out, const HealthReport& report);
  static Status read(const rapidjson::Value& value, const std::string& where, HealthReport& report);
};

/// `POST /v1/notify`, `/send`, `/send_photo` accepted: `{"ok":true,"id":<id>,"channels":[<name>...]}`
/// (refusals are `{"error": ...}` answers). Decodes to an accepted outcome.
template <>
struct JsonCodec<PublishOutcome> {
  static void write(JsonWriter& out, const PublishOutcome& outcome);
  static Status read(const rapidjson::Value& value, const std::string& where, PublishOutcome& outcome);
};

}  // namespace notifyd::sdk::api
