#include "notifyd/sdk/api/history_codecs.hpp"

#include "notifyd/sdk/utc_time.hpp"
#include "notifyd/sdk/utf8.hpp"

namespace notifyd::sdk::api {
namespace {

void write_time(JsonWriter& out, std::int64_t epoch_ms) {
  write_string(out, format_utc_timestamp(epoch_ms, SecondFraction::milliseconds));
}

// Kept `data` as a JSON object, or null when it is empty or not an object.
void write_data(JsonWriter& out, const std::string& data_json) {
  rapidjson::Document document;
  if (data_json.empty() || !parse_json(data_json, document) || !document.IsObject()) {
    out.Null();
    return;
  }
  const std::string compact = json_text(document);
  out.RawValue(compact.data(), compact.size(), rapidjson::kObjectType);
}

void write_optional_id(JsonWriter& out, const std::optional<std::uint64_t>& id) {
  if (id) {
    out.Uint64(*id);
  } else {
    out.Null();
  }
}

}  // namespace

void JsonCodec<DeliveryRecord>::write(JsonWriter& out, const DeliveryRecord& delivery) {
  out.StartObject();
  out.Key("channel");
  write_string(out, delivery.channel);
  out.Key("state");
  write_string(out, delivery.state);
  out.Key("attempts");
  out.Uint(delivery.attempts);
  out.Key("last_error");
  write_string(out, delivery.last_error);
  out.Key("updated_at");
  write_time(out, delivery.updated_at_ms);
  out.EndObject();
}

Status JsonCodec<DeliveryRecord>::read(const rapidjson::Value& value, const std::string& where,
                                       DeliveryRecord& delivery) {
  JsonObjectReader in(value, where);
  in.text("channel", delivery.channel);
  in.text("state", delivery.state);
  in.count("attempts", delivery.attempts);
  in.text("last_error", delivery.last_error);
  in.time("updated_at", delivery.updated_at_ms);
  return in.status();
}

void JsonCodec<AttemptRecord>::write(JsonWriter& out, const AttemptRecord& attempt) {
  out.StartObject();
  out.Key("channel");
  write_string(out, attempt.channel);
  out.Key("at");
  write_time(out, attempt.at_ms);
  out.Key("outcome");
  write_string(out, attempt.outcome);
  out.Key("error");
  write_string(out, attempt.error);
  out.EndObject();
}

Status JsonCodec<AttemptRecord>::read(const rapidjson::Value& value, const std::string& where, AttemptRecord& attempt) {
  JsonObjectReader in(value, where);
  in.text("channel", attempt.channel);
  in.time("at", attempt.at_ms);
  in.text("outcome", attempt.outcome);
  in.text("error", attempt.error);
  return in.status();
}

void JsonCodec<HistoryEntry>::write(JsonWriter& out, const HistoryEntry& entry) {
  const Notification& n = entry.notification;
  out.StartObject();
  out.Key("id");
  out.Uint64(n.id);
  out.Key("user");
  write_string(out, n.user);
  out.Key("title");
  write_string(out, n.title);
  out.Key("message");
  write_string(out, n.message);
  out.Key("format");
  write_string(out, text_format_name(n.format));
  out.Key("source");
  write_string(out, n.source);
  out.Key("data");
  write_data(out, n.data_json);
  out.Key("image");
  out.Bool(!n.image_path.empty());
  out.Key("created_at");
  write_time(out, n.created_at_ms);
  out.Key("deliveries");
  out.StartArray();
  for (const DeliveryRecord& delivery : entry.deliveries) JsonCodec<DeliveryRecord>::write(out, delivery);
  out.EndArray();
  out.Key("attempts");
  out.StartArray();
  for (const AttemptRecord& attempt : entry.attempts) JsonCodec<AttemptRecord>::write(out, attempt);
  out.EndArray();
  out.EndObject();
}

Status JsonCodec<HistoryEntry>::read(const rapidjson::Value& value, const std::string& where, HistoryEntry& entry) {
  Notification& n = entry.notification;
  JsonObjectReader in(value, where);
  in.count("id", n.id);
  in.text("user", n.user);
  in.text("title", n.title);
  in.text("message", n.message);
  std::string format;
  in.text("format", format);
  if (in.status()) {
    if (const auto parsed = parse_text_format(format)) {
      n.format = *parsed;
    } else {
      in.fail("format", "must be plain, Markdown, MarkdownV2 or HTML");
    }
  }
  in.text("source", n.source);
  if (const rapidjson::Value* data = in.find("data"); data == nullptr) {
    in.fail("data", "is missing");
  } else if (data->IsObject()) {
    n.data_json = json_text(*data);
  } else if (!data->IsNull()) {
    in.fail("data", "must be an object or null");
  }
  bool image = false;
  in.flag("image", image);
  if (image) n.image_path = withheld_image_path;
  in.time("created_at", n.created_at_ms);
  in.list("deliveries", entry.deliveries);
  in.list("attempts", entry.attempts);
  return in.status();
}

void JsonCodec<HistoryPage>::write(JsonWriter& out, const HistoryPage& page) {
  out.StartObject();
  out.Key("notifications");
  out.StartArray();
  for (const HistoryEntry& entry : page.notifications) JsonCodec<HistoryEntry>::write(out, entry);
  out.EndArray();
  out.Key("next_before");
  write_optional_id(out, page.next_before);
  out.EndObject();
}

Status JsonCodec<HistoryPage>::read(const rapidjson::Value& value, const std::string& where, HistoryPage& page) {
  JsonObjectReader in(value, where);
  in.list("notifications", page.notifications);
  in.count_or_null("next_before", page.next_before);
  return in.status();
}

void JsonCodec<ChannelHealth>::write(JsonWriter& out, const ChannelHealth& channel) {
  out.StartObject();
  out.Key("channel");
  write_string(out, channel.channel);
  out.Key("pending");
  out.Uint64(channel.pending);
  out.Key("in_flight");
  out.Uint64(channel.in_flight);
  out.Key("retrying");
  out.Uint64(channel.retrying);
  out.Key("delivered");
  out.Uint64(channel.delivered);
  out.Key("failed");
  out.Uint64(channel.failed);
  if (!channel.state.empty()) {
    out.Key("state");
    write_string(out, channel.state);
  }
  if (!channel.last_error.empty()) {
    out.Key("last_error");
    write_string(out, channel.last_error);
  }
  if (!channel.figures.empty()) {
    out.Key("figures");
    out.StartObject();
    for (const HealthFigure& figure : channel.figures) {
      const std::string name = replace_invalid_utf8(figure.name);
      out.Key(name.data(), static_cast<rapidjson::SizeType>(name.size()));
      out.Uint64(figure.value);
    }
    out.EndObject();
  }
  out.EndObject();
}

Status JsonCodec<ChannelHealth>::read(const rapidjson::Value& value, const std::string& where, ChannelHealth& channel) {
  JsonObjectReader in(value, where);
  in.text("channel", channel.channel);
  in.count("pending", channel.pending);
  in.count("in_flight", channel.in_flight);
  in.count("retrying", channel.retrying);
  in.count("delivered", channel.delivered);
  in.count("failed", channel.failed);
  in.optional_text("state", channel.state);
  in.optional_text("last_error", channel.last_error);
  if (const rapidjson::Value* figures = in.find("figures"); figures != nullptr && in.status()) {
    if (!figures->IsObject()) {
      in.fail("figures", "must be an object of counts");
    } else {
      for (const auto& figure : figures->GetObject()) {
        const std::string name(figure.name.GetString(), figure.name.GetStringLength());
        if (!figure.value.IsUint64()) {
          in.fail("figures." + name, "must be a non-negative integer");
          break;
        }
        channel.figures.push_back(HealthFigure{name, figure.value.GetUint64()});
      }
    }
  }
  return in.status();
}

void JsonCodec<HealthReport>::write(JsonWriter& out, const HealthReport& report) {
  out.StartObject();
  out.Key("status");
  write_string(out, report.status);
  out.Key("channels");
  out.StartArray();
  for (const ChannelHealth& channel : report.channels) JsonCodec<ChannelHealth>::write(out, channel);
  out.EndArray();
  out.EndObject();
}

Status JsonCodec<HealthReport>::read(const rapidjson::Value& value, const std::string& where, HealthReport& report) {
  JsonObjectReader in(value, where);
  in.text("status", report.status);
  in.list("channels", report.channels);
  return in.status();
}

void JsonCodec<PublishOutcome>::write(JsonWriter& out, const PublishOutcome& outcome) {
  out.StartObject();
  out.Key("ok");
  out.Bool(true);
  out.Key("id");
  out.Uint64(outcome.id);
  out.Key("channels");
  out.StartArray();
  for (const std::string& channel : outcome.channels) write_string(out, channel);
  out.EndArray();
  out.EndObject();
}

Status JsonCodec<PublishOutcome>::read(const rapidjson::Value& value, const std::string& where,
                                       PublishOutcome& outcome) {
  JsonObjectReader in(value, where);
  bool ok = false;
  in.flag("ok", ok);
  if (in.status() && !ok) in.fail("ok", "must be true in an accepted answer");
  in.count("id", outcome.id);
  const rapidjson::Value* channels = in.find("channels");
  if (channels == nullptr) {
    in.fail("channels", "is missing");
  } else if (!channels->IsArray()) {
    in.fail("channels", "must be a list");
  } else {
    for (rapidjson::SizeType i = 0; i < channels->Size() && in.status(); ++i) {
      const rapidjson::Value& channel = (*channels)[i];
      if (!channel.IsString()) {
        in.fail("channels[" + std::to_string(i) + "]", "must be a string");
      } else {
        outcome.channels.emplace_back(channel.GetString(), channel.GetStringLength());
      }
    }
  }
  outcome.code = PublishOutcome::Code::accepted;
  return in.status();
}

}  // namespace notifyd::sdk::api
