#include "notifyd/sdk/api/history_codecs.hpp"

namespace notifyd::sdk::api {
namespace {

constexpr auto delivery_members = [](auto& m, auto& delivery) {
  m.text("channel", delivery.channel);
  m.text("state", delivery.state);
  m.count("attempts", delivery.attempts);
  m.text("last_error", delivery.last_error);
  m.time("updated_at", delivery.updated_at_ms);
};

constexpr auto attempt_members = [](auto& m, auto& attempt) {
  m.text("channel", attempt.channel);
  m.time("at", attempt.at_ms);
  m.text("outcome", attempt.outcome);
  m.text("error", attempt.error);
};

constexpr auto entry_members = [](auto& m, auto& entry) {
  auto& n = entry.notification;
  m.count("id", n.id);
  m.text("user", n.user);
  m.text("title", n.title);
  m.text("message", n.message);
  m.text_format("format", n.format);
  m.text("source", n.source);
  m.data_object("data", n.data_json);
  m.image_flag("image", n.image_path);
  m.time("created_at", n.created_at_ms);
  m.list("deliveries", entry.deliveries);
  m.list("attempts", entry.attempts);
};

constexpr auto page_members = [](auto& m, auto& page) {
  m.list("notifications", page.notifications);
  m.count_or_null("next_before", page.next_before);
};

constexpr auto channel_members = [](auto& m, auto& channel) {
  m.text("channel", channel.channel);
  m.count("pending", channel.pending);
  m.count("in_flight", channel.in_flight);
  m.count("retrying", channel.retrying);
  m.count("delivered", channel.delivered);
  m.count("failed", channel.failed);
  m.optional_text("state", channel.state);
  m.optional_text("last_error", channel.last_error);
  m.figures("figures", channel.figures);
};

constexpr auto health_members = [](auto& m, auto& report) {
  m.text("status", report.status);
  m.list("channels", report.channels);
};

constexpr auto publish_members = [](auto& m, auto& outcome) {
  m.must_be_true("ok");
  m.count("id", outcome.id);
  m.text_list("channels", outcome.channels);
};

}  // namespace

void JsonCodec<DeliveryRecord>::write(JsonWriter& out, const DeliveryRecord& value) {
  write_object(out, value, delivery_members);
}
Status JsonCodec<DeliveryRecord>::read(const rapidjson::Value& value, const std::string& where, DeliveryRecord& out) {
  return read_object(value, where, out, delivery_members);
}

void JsonCodec<AttemptRecord>::write(JsonWriter& out, const AttemptRecord& value) {
  write_object(out, value, attempt_members);
}
Status JsonCodec<AttemptRecord>::read(const rapidjson::Value& value, const std::string& where, AttemptRecord& out) {
  return read_object(value, where, out, attempt_members);
}

void JsonCodec<HistoryEntry>::write(JsonWriter& out, const HistoryEntry& value) { write_object(out, value, entry_members); }
Status JsonCodec<HistoryEntry>::read(const rapidjson::Value& value, const std::string& where, HistoryEntry& out) {
  return read_object(value, where, out, entry_members);
}

void JsonCodec<HistoryPage>::write(JsonWriter& out, const HistoryPage& value) { write_object(out, value, page_members); }
Status JsonCodec<HistoryPage>::read(const rapidjson::Value& value, const std::string& where, HistoryPage& out) {
  return read_object(value, where, out, page_members);
}

void JsonCodec<ChannelHealth>::write(JsonWriter& out, const ChannelHealth& value) {
  write_object(out, value, channel_members);
}
Status JsonCodec<ChannelHealth>::read(const rapidjson::Value& value, const std::string& where, ChannelHealth& out) {
  return read_object(value, where, out, channel_members);
}

void JsonCodec<HealthReport>::write(JsonWriter& out, const HealthReport& value) { write_object(out, value, health_members); }
Status JsonCodec<HealthReport>::read(const rapidjson::Value& value, const std::string& where, HealthReport& out) {
  return read_object(value, where, out, health_members);
}

void JsonCodec<PublishOutcome>::write(JsonWriter& out, const PublishOutcome& value) {
  write_object(out, value, publish_members);
}
Status JsonCodec<PublishOutcome>::read(const rapidjson::Value& value, const std::string& where, PublishOutcome& out) {
  out.code = PublishOutcome::Code::accepted;
  return read_object(value, where, out, publish_members);
}

}  // namespace notifyd::sdk::api
