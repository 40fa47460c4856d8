#include "notifyd/sdk/api/check_codecs.hpp"

#include "notifyd/sdk/api/history_codecs.hpp"

namespace notifyd::sdk::api {

void JsonCodec<RunRecord>::write(JsonWriter& out, const RunRecord& run) {
  out.StartObject();
  out.Key("id");
  out.Uint64(run.id);
  out.Key("check");
  write_string(out, run.check);
  out.Key("user");
  write_string(out, run.user);
  out.Key("trigger");
  write_string(out, run.trigger);
  out.Key("started_at");
  write_time_or_null(out, run.started_at_ms);
  out.Key("duration_ms");
  out.Int64(run.duration_ms);
  out.Key("exit_code");
  if (run.exit_code) {
    out.Int(*run.exit_code);
  } else {
    out.Null();
  }
  out.Key("outcome");
  write_string(out, run.outcome);
  out.Key("detail");
  write_string(out, run.detail);
  out.Key("stderr");
  write_string(out, run.stderr_tail);
  out.Key("notification_id");
  if (run.notification_id != 0) {
    out.Uint64(run.notification_id);
  } else {
    out.Null();
  }
  out.EndObject();
}

Status JsonCodec<RunRecord>::read(const rapidjson::Value& value, const std::string& where, RunRecord& run) {
  JsonObjectReader in(value, where);
  in.count("id", run.id);
  in.text("check", run.check);
  in.text("user", run.user);
  in.text("trigger", run.trigger);
  in.time_or_null("started_at", run.started_at_ms);
  in.integer("duration_ms", run.duration_ms);
  in.integer_or_null("exit_code", run.exit_code);
  in.text("outcome", run.outcome);
  in.text("detail", run.detail);
  in.text("stderr", run.stderr_tail);
  in.count_or_null("notification_id", run.notification_id);
  return in.status();
}

void JsonCodec<CheckStatus>::write(JsonWriter& out, const CheckStatus& status) {
  const CheckDefinition& definition = status.definition;
  out.StartObject();
  out.Key("name");
  write_string(out, definition.name);
  out.Key("user");
  write_string(out, definition.user);
  out.Key("schedule");
  write_string(out, definition.schedule);
  out.Key("origin");
  write_string(out, definition.origin);
  out.Key("provider");
  write_string(out, definition.provider);
  out.Key("timeout_ms");
  out.Int64(definition.timeout.count());
  out.Key("last_run");
  if (status.last_run) {
    JsonCodec<RunRecord>::write(out, *status.last_run);
  } else {
    out.Null();
  }
  out.Key("last_sent");
  write_time_or_null(out, status.last_sent_ms);
  out.Key("next_run");
  write_time_or_null(out, status.next_run_ms);
  out.EndObject();
}

Status JsonCodec<CheckStatus>::read(const rapidjson::Value& value, const std::string& where, CheckStatus& status) {
  CheckDefinition& definition = status.definition;
  JsonObjectReader in(value, where);
  in.text("name", definition.name);
  in.text("user", definition.user);
  in.text("schedule", definition.schedule);
  in.text("origin", definition.origin);
  in.text("provider", definition.provider);
  std::int64_t timeout_ms = 0;
  in.integer("timeout_ms", timeout_ms);
  definition.timeout = std::chrono::milliseconds(timeout_ms);
  in.object_or_null("last_run", status.last_run);
  in.time_or_null("last_sent", status.last_sent_ms);
  in.time_or_null("next_run", status.next_run_ms);
  return in.status();
}

void JsonCodec<CheckList>::write(JsonWriter& out, const CheckList& list) {
  out.StartObject();
  out.Key("checks");
  out.StartArray();
  for (const CheckStatus& status : list.checks) JsonCodec<CheckStatus>::write(out, status);
  out.EndArray();
  out.EndObject();
}

Status JsonCodec<CheckList>::read(const rapidjson::Value& value, const std::string& where, CheckList& list) {
  JsonObjectReader in(value, where);
  in.list("checks", list.checks);
  return in.status();
}

void JsonCodec<RunList>::write(JsonWriter& out, const RunList& list) {
  out.StartObject();
  out.Key("runs");
  out.StartArray();
  for (const RunRecord& run : list.runs) JsonCodec<RunRecord>::write(out, run);
  out.EndArray();
  out.Key("next_before");
  if (list.next_before) {
    out.Uint64(*list.next_before);
  } else {
    out.Null();
  }
  out.EndObject();
}

Status JsonCodec<RunList>::read(const rapidjson::Value& value, const std::string& where, RunList& list) {
  JsonObjectReader in(value, where);
  in.list("runs", list.runs);
  in.count_or_null("next_before", list.next_before);
  return in.status();
}

void JsonCodec<RunReport>::write(JsonWriter& out, const RunReport& report) {
  out.StartObject();
  out.Key("run");
  JsonCodec<RunRecord>::write(out, report.run);
  out.Key("notification");
  if (report.notification) {
    const Notification& sent = *report.notification;
    out.StartObject();
    out.Key("id");
    out.Uint64(sent.id);
    out.Key("title");
    write_string(out, sent.title);
    out.Key("message");
    write_string(out, sent.message);
    out.Key("image");
    out.Bool(!sent.image_path.empty());
    out.EndObject();
  } else {
    out.Null();
  }
  out.EndObject();
}

Status JsonCodec<RunReport>::read(const rapidjson::Value& value, const std::string& where, RunReport& report) {
  JsonObjectReader in(value, where);
  in.object("run", report.run);
  const rapidjson::Value* sent = in.find("notification");
  if (sent == nullptr) {
    in.fail("notification", "is missing");
  } else if (!sent->IsNull()) {
    Notification notification;
    JsonObjectReader summary(*sent, in.path("notification"));
    summary.count("id", notification.id);
    summary.text("title", notification.title);
    summary.text("message", notification.message);
    bool image = false;
    summary.flag("image", image);
    if (image) notification.image_path = withheld_image_path;
    if (!summary.status()) return summary.status();
    report.notification = std::move(notification);
  }
  return in.status();
}

}  // namespace notifyd::sdk::api
