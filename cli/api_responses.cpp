#include "api_responses.hpp"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include "notifyd/sdk/utc_time.hpp"
#include "terminal_text.hpp"

namespace notifyctl {
namespace {

constexpr std::size_t refusal_text_limit = 200;

std::variant<rapidjson::Document, DecodeError> parse_object(std::string_view body) {
  rapidjson::Document document;
  document.Parse<rapidjson::kParseIterativeFlag>(body.data(), body.size());
  if (document.HasParseError()) {
    const std::string problem = rapidjson::GetParseError_En(document.GetParseError());
    return DecodeError{"invalid JSON from notifyd: " + problem + " at offset " +
                       std::to_string(document.GetErrorOffset())};
  }
  if (!document.IsObject()) return DecodeError{"unexpected answer from notifyd: not a JSON object"};
  return document;
}

const rapidjson::Value* member(const rapidjson::Value& object, const char* name) {
  if (!object.IsObject()) return nullptr;
  const auto found = object.FindMember(name);
  return found == object.MemberEnd() ? nullptr : &found->value;
}

std::string string_member(const rapidjson::Value& object, const char* name) {
  const rapidjson::Value* value = member(object, name);
  if (value == nullptr || !value->IsString()) return {};
  return std::string(value->GetString(), value->GetStringLength());
}

std::optional<std::uint64_t> count_member(const rapidjson::Value& object, const char* name) {
  const rapidjson::Value* value = member(object, name);
  if (value == nullptr || !value->IsUint64()) return std::nullopt;
  return value->GetUint64();
}

bool bool_member(const rapidjson::Value& object, const char* name) {
  const rapidjson::Value* value = member(object, name);
  return value != nullptr && value->IsBool() && value->GetBool();
}

const rapidjson::Value* array_member(const rapidjson::Value& object, const char* name) {
  const rapidjson::Value* value = member(object, name);
  return value != nullptr && value->IsArray() ? value : nullptr;
}

std::string time_member(const rapidjson::Value& object, const char* name) {
  const rapidjson::Value* value = member(object, name);
  if (value == nullptr) return {};
  if (value->IsString()) return std::string(value->GetString(), value->GetStringLength());
  if (value->IsInt64())
    return notifyd::sdk::format_utc_timestamp(value->GetInt64(), notifyd::sdk::SecondFraction::none);
  return {};
}

DeliveryState decode_delivery(const rapidjson::Value& object) {
  DeliveryState delivery;
  delivery.channel = string_member(object, "channel");
  delivery.state = string_member(object, "state");
  delivery.attempts = count_member(object, "attempts");
  delivery.last_error = string_member(object, "last_error");
  return delivery;
}

HistoryNotification decode_notification(const rapidjson::Value& object) {
  HistoryNotification notification;
  notification.id = count_member(object, "id");
  notification.user = string_member(object, "user");
  notification.title = string_member(object, "title");
  notification.message = string_member(object, "message");
  notification.source = string_member(object, "source");
  notification.created_at = time_member(object, "created_at");
  notification.has_image = bool_member(object, "image");
  if (const rapidjson::Value* deliveries = array_member(object, "deliveries")) {
    for (const rapidjson::Value& delivery : deliveries->GetArray()) {
      if (delivery.IsObject()) notification.deliveries.push_back(decode_delivery(delivery));
    }
  }
  return notification;
}

ChannelCounts decode_channel_counts(const rapidjson::Value& object) {
  ChannelCounts counts;
  counts.channel = string_member(object, "channel");
  counts.pending = count_member(object, "pending");
  counts.in_flight = count_member(object, "in_flight");
  counts.retrying = count_member(object, "retrying");
  counts.delivered = count_member(object, "delivered");
  counts.failed = count_member(object, "failed");
  counts.state = string_member(object, "state");
  counts.last_error = string_member(object, "last_error");
  const rapidjson::Value* figures = member(object, "figures");
  if (figures == nullptr || !figures->IsObject()) return counts;
  for (const auto& figure : figures->GetObject()) {
    if (!figure.value.IsUint64()) continue;
    counts.figures.emplace_back(std::string(figure.name.GetString(), figure.name.GetStringLength()),
                                figure.value.GetUint64());
  }
  return counts;
}

std::optional<std::int64_t> integer_member(const rapidjson::Value& object, const char* name) {
  const rapidjson::Value* value = member(object, name);
  if (value == nullptr || !value->IsInt64()) return std::nullopt;
  return value->GetInt64();
}

CheckRun decode_run(const rapidjson::Value& object) {
  CheckRun run;
  run.id = count_member(object, "id");
  run.check = string_member(object, "check");
  run.user = string_member(object, "user");
  run.trigger = string_member(object, "trigger");
  run.started_at = time_member(object, "started_at");
  run.duration_ms = integer_member(object, "duration_ms");
  run.exit_code = integer_member(object, "exit_code");
  run.outcome = string_member(object, "outcome");
  run.detail = string_member(object, "detail");
  run.stderr_text = string_member(object, "stderr");
  run.notification_id = count_member(object, "notification_id");
  return run;
}

CheckEntry decode_check(const rapidjson::Value& object) {
  CheckEntry check;
  check.name = string_member(object, "name");
  check.user = string_member(object, "user");
  check.schedule = string_member(object, "schedule");
  check.origin = string_member(object, "origin");
  if (const rapidjson::Value* last_run = member(object, "last_run"); last_run != nullptr && last_run->IsObject()) {
    check.last_run = decode_run(*last_run);
  }
  check.last_sent = time_member(object, "last_sent");
  check.next_run = time_member(object, "next_run");
  return check;
}

// Indentation grows with depth, so pretty output of deep JSON grows
// quadratically: stop (and let the caller print the body as it is) beyond
// a readable depth or once the output is several times the input.
constexpr std::size_t pretty_json_max_depth = 64;

std::size_t pretty_json_size_limit(std::size_t body_size) { return 4 * body_size + 64 * 1024; }

class BoundedPrettyWriter {
 public:
  BoundedPrettyWriter(rapidjson::StringBuffer& buffer, std::size_t max_size)
      : buffer_(buffer), writer_(buffer), max_size_(max_size) {
    writer_.SetIndent(' ', 2);
  }

  bool Null() { return has_room() && writer_.Null(); }
  bool Bool(bool value) { return has_room() && writer_.Bool(value); }
  bool Int(int value) { return has_room() && writer_.Int(value); }
  bool Uint(unsigned value) { return has_room() && writer_.Uint(value); }
  bool Int64(std::int64_t value) { return has_room() && writer_.Int64(value); }
  bool Uint64(std::uint64_t value) { return has_room() && writer_.Uint64(value); }
  bool Double(double value) { return has_room() && writer_.Double(value); }
  bool RawNumber(const char* text, rapidjson::SizeType length, bool copy) {
    return has_room() && writer_.RawNumber(text, length, copy);
  }
  bool String(const char* text, rapidjson::SizeType length, bool copy) {
    return has_room() && writer_.String(text, length, copy);
  }
  bool Key(const char* text, rapidjson::SizeType length, bool copy) {
    return has_room() && writer_.Key(text, length, copy);
  }
  bool StartObject() { return enter() && writer_.StartObject(); }
  bool EndObject(rapidjson::SizeType members) {
    --depth_;
    return writer_.EndObject(members);
  }
  bool StartArray() { return enter() && writer_.StartArray(); }
  bool EndArray(rapidjson::SizeType elements) {
    --depth_;
    return writer_.EndArray(elements);
  }

 private:
  bool has_room() const { return buffer_.GetSize() <= max_size_; }
  bool enter() { return has_room() && ++depth_ <= pretty_json_max_depth; }

  rapidjson::StringBuffer& buffer_;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> writer_;
  std::size_t max_size_;
  std::size_t depth_ = 0;
};

}  // namespace

std::variant<SendReceipt, DecodeError> decode_send_receipt(std::string_view body) {
  auto parsed = parse_object(body);
  if (auto* error = std::get_if<DecodeError>(&parsed)) return std::move(*error);
  const rapidjson::Document& document = std::get<rapidjson::Document>(parsed);
  SendReceipt receipt;
  receipt.id = count_member(document, "id");
  receipt.user = string_member(document, "user");
  if (const rapidjson::Value* channels = array_member(document, "channels")) {
    for (const rapidjson::Value& channel : channels->GetArray()) {
      if (channel.IsString()) {
        receipt.channels.emplace_back(channel.GetString(), channel.GetStringLength());
      } else if (std::string name = string_member(channel, "channel"); !name.empty()) {
        receipt.channels.push_back(std::move(name));
      }
    }
  }
  return receipt;
}

std::variant<HistoryPage, DecodeError> decode_history_page(std::string_view body) {
  auto parsed = parse_object(body);
  if (auto* error = std::get_if<DecodeError>(&parsed)) return std::move(*error);
  const rapidjson::Document& document = std::get<rapidjson::Document>(parsed);
  const rapidjson::Value* notifications = array_member(document, "notifications");
  if (notifications == nullptr) return DecodeError{"unexpected answer from notifyd: no \"notifications\" list"};
  HistoryPage page;
  for (const rapidjson::Value& notification : notifications->GetArray()) {
    if (notification.IsObject()) page.notifications.push_back(decode_notification(notification));
  }
  page.next_before = count_member(document, "next_before");
  return page;
}

std::variant<HealthReport, DecodeError> decode_health_report(std::string_view body) {
  auto parsed = parse_object(body);
  if (auto* error = std::get_if<DecodeError>(&parsed)) return std::move(*error);
  const rapidjson::Document& document = std::get<rapidjson::Document>(parsed);
  HealthReport report;
  report.status = string_member(document, "status");
  if (const rapidjson::Value* channels = array_member(document, "channels")) {
    for (const rapidjson::Value& channel : channels->GetArray()) {
      if (channel.IsObject()) report.channels.push_back(decode_channel_counts(channel));
    }
  }
  return report;
}

std::variant<CheckList, DecodeError> decode_check_list(std::string_view body) {
  auto parsed = parse_object(body);
  if (auto* error = std::get_if<DecodeError>(&parsed)) return std::move(*error);
  const rapidjson::Document& document = std::get<rapidjson::Document>(parsed);
  const rapidjson::Value* checks = array_member(document, "checks");
  if (checks == nullptr) return DecodeError{"unexpected answer from notifyd: no \"checks\" list"};
  CheckList list;
  for (const rapidjson::Value& check : checks->GetArray()) {
    if (check.IsObject()) list.checks.push_back(decode_check(check));
  }
  return list;
}

std::variant<RunReport, DecodeError> decode_run_report(std::string_view body) {
  auto parsed = parse_object(body);
  if (auto* error = std::get_if<DecodeError>(&parsed)) return std::move(*error);
  const rapidjson::Document& document = std::get<rapidjson::Document>(parsed);
  const rapidjson::Value* run = member(document, "run");
  if (run == nullptr || !run->IsObject()) return DecodeError{"unexpected answer from notifyd: no \"run\" object"};
  return RunReport{decode_run(*run)};
}

std::variant<RunList, DecodeError> decode_run_list(std::string_view body) {
  auto parsed = parse_object(body);
  if (auto* error = std::get_if<DecodeError>(&parsed)) return std::move(*error);
  const rapidjson::Document& document = std::get<rapidjson::Document>(parsed);
  const rapidjson::Value* runs = array_member(document, "runs");
  if (runs == nullptr) return DecodeError{"unexpected answer from notifyd: no \"runs\" list"};
  RunList list;
  for (const rapidjson::Value& run : runs->GetArray()) {
    if (run.IsObject()) list.runs.push_back(decode_run(run));
  }
  return list;
}

std::string describe_refusal(unsigned status, std::string_view reason, std::string_view body) {
  std::string explanation;
  rapidjson::Document document;
  document.Parse<rapidjson::kParseIterativeFlag>(body.data(), body.size());
  if (!document.HasParseError()) {
    explanation = string_member(document, "error");
    if (explanation.empty()) explanation = string_member(document, "message");
  } else {
    explanation = std::string(first_line(body));
  }
  explanation = printable_line(explanation);
  if (explanation.find_first_not_of(' ') == std::string::npos) explanation = printable_line(reason);
  if (explanation.empty()) explanation = "request refused";
  return truncate_characters(explanation, refusal_text_limit) + " (HTTP " + std::to_string(status) + ")";
}

std::optional<std::string> pretty_json(std::string_view body) {
  rapidjson::StringBuffer buffer;
  BoundedPrettyWriter writer(buffer, pretty_json_size_limit(body.size()));
  rapidjson::Reader reader;
  rapidjson::MemoryStream stream(body.data(), body.size());
  if (!reader.Parse<rapidjson::kParseIterativeFlag>(stream, writer)) return std::nullopt;
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace notifyctl
