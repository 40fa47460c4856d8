#include "notifyd/sdk/api/check_codecs.hpp"

namespace notifyd::sdk::api {
namespace {

constexpr auto run_members = [](auto& m, auto& run) {
  m.count("id", run.id);
  m.text("check", run.check);
  m.text("user", run.user);
  m.text("trigger", run.trigger);
  m.time_or_null("started_at", run.started_at_ms);
  m.integer("duration_ms", run.duration_ms);
  m.integer_or_null("exit_code", run.exit_code);
  m.text("outcome", run.outcome);
  m.text("detail", run.detail);
  m.text("stderr", run.stderr_tail);
  m.count_or_null("notification_id", run.notification_id);
};

constexpr auto status_members = [](auto& m, auto& status) {
  auto& definition = status.definition;
  m.text("name", definition.name);
  m.text("user", definition.user);
  m.text("schedule", definition.schedule);
  m.text("origin", definition.origin);
  m.text("provider", definition.provider);
  m.milliseconds("timeout_ms", definition.timeout);
  m.object_or_null("last_run", status.last_run);
  m.time_or_null("last_sent", status.last_sent_ms);
  m.time_or_null("next_run", status.next_run_ms);
  m.text_or_null("host_group", status.host_group);
  m.flag("elsewhere", status.elsewhere);
  m.flag("group_running", status.group_running);
};

constexpr auto sent_members = [](auto& m, auto& sent) {
  m.count("id", sent.id);
  m.text("title", sent.title);
  m.text("message", sent.message);
  m.image_flag("image", sent.image_path);
};

constexpr auto check_list_members = [](auto& m, auto& list) { m.list("checks", list.checks); };

constexpr auto run_list_members = [](auto& m, auto& list) {
  m.list("runs", list.runs);
  m.count_or_null("next_before", list.next_before);
};

constexpr auto report_members = [](auto& m, auto& report) {
  m.object("run", report.run);
  m.object_or_null("notification", report.notification);
};

}  // namespace

void JsonCodec<RunRecord>::write(JsonWriter& out, const RunRecord& value) { write_object(out, value, run_members); }
Status JsonCodec<RunRecord>::read(const rapidjson::Value& value, const std::string& where, RunRecord& out) {
  return read_object(value, where, out, run_members);
}

void JsonCodec<CheckStatus>::write(JsonWriter& out, const CheckStatus& value) { write_object(out, value, status_members); }
Status JsonCodec<CheckStatus>::read(const rapidjson::Value& value, const std::string& where, CheckStatus& out) {
  return read_object(value, where, out, status_members);
}

void JsonCodec<Notification>::write(JsonWriter& out, const Notification& value) { write_object(out, value, sent_members); }
Status JsonCodec<Notification>::read(const rapidjson::Value& value, const std::string& where, Notification& out) {
  return read_object(value, where, out, sent_members);
}

void JsonCodec<CheckList>::write(JsonWriter& out, const CheckList& value) { write_object(out, value, check_list_members); }
Status JsonCodec<CheckList>::read(const rapidjson::Value& value, const std::string& where, CheckList& out) {
  return read_object(value, where, out, check_list_members);
}

void JsonCodec<RunList>::write(JsonWriter& out, const RunList& value) { write_object(out, value, run_list_members); }
Status JsonCodec<RunList>::read(const rapidjson::Value& value, const std::string& where, RunList& out) {
  return read_object(value, where, out, run_list_members);
}

void JsonCodec<RunReport>::write(JsonWriter& out, const RunReport& value) { write_object(out, value, report_members); }
Status JsonCodec<RunReport>::read(const rapidjson::Value& value, const std::string& where, RunReport& out) {
  return read_object(value, where, out, report_members);
}

}  // namespace notifyd::sdk::api
