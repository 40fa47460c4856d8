#include "notifyd/sdk/api/history_codecs.hpp"

#include <type_traits>

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
  m.priority("priority", n.priority);
  // Read when present: a daemon from before tags does not send them (then none).
  if constexpr (std::is_same_v<std::decay_t<decltype(m)>, JsonObjectReader>) {
    if (!m.status() || !m.find("tags")) return;
  }
  m.text_list("tags", n.tags);
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
  // Read when present: a daemon from before replicas does not send it (then true).
  if constexpr (std::is_same_v<std::decay_t<decltype(m)>, JsonObjectReader>) {
    if (!m.status() || !m.find("leads")) return;
  }
  m.flag("leads", channel.leads);
};

constexpr auto connection_members = [](auto& m, auto& connection) {
  m.text("name", connection.name);
  m.text("state", connection.state);
  m.time_or_null("since", connection.since_ms);
  m.text_or_null("last_error", connection.last_error);
};

constexpr auto replica_members = [](auto& m, auto& replica) {
  m.text("name", replica.name);
  m.text("host_group", replica.host_group);
  m.text("version", replica.version);
  m.text_or_null("address", replica.address);
  m.count("pid", replica.pid);
  m.time_or_null("started_at", replica.started_at_ms);
  m.flag("self", replica.self);
};

constexpr auto lease_members = [](auto& m, auto& lease) {
  m.text("name", lease.name);
  m.text("holder", lease.holder);
  m.count("epoch", lease.epoch);
  m.time_or_null("expires_at", lease.expires_at_ms);
};

constexpr auto cluster_members = [](auto& m, auto& cluster) {
  m.text("backend", cluster.backend);
  m.text("replica", cluster.replica);
  m.text("host_group", cluster.host_group);
  m.integer("lease_ttl_ms", cluster.lease_ttl_ms);
  m.count("schema_version", cluster.schema_version);
  m.list("connections", cluster.connections);
  m.list("replicas", cluster.replicas);
  m.list("leases", cluster.leases);
  m.time_or_null("as_of", cluster.as_of_ms);
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

void JsonCodec<EngineConnection>::write(JsonWriter& out, const EngineConnection& value) {
  write_object(out, value, connection_members);
}
Status JsonCodec<EngineConnection>::read(const rapidjson::Value& value, const std::string& where, EngineConnection& out) {
  return read_object(value, where, out, connection_members);
}

void JsonCodec<ReplicaView>::write(JsonWriter& out, const ReplicaView& value) { write_object(out, value, replica_members); }
Status JsonCodec<ReplicaView>::read(const rapidjson::Value& value, const std::string& where, ReplicaView& out) {
  return read_object(value, where, out, replica_members);
}

void JsonCodec<LeaseView>::write(JsonWriter& out, const LeaseView& value) { write_object(out, value, lease_members); }
Status JsonCodec<LeaseView>::read(const rapidjson::Value& value, const std::string& where, LeaseView& out) {
  return read_object(value, where, out, lease_members);
}

void JsonCodec<ClusterView>::write(JsonWriter& out, const ClusterView& value) { write_object(out, value, cluster_members); }
Status JsonCodec<ClusterView>::read(const rapidjson::Value& value, const std::string& where, ClusterView& out) {
  return read_object(value, where, out, cluster_members);
}

// `cluster` is written only when known, and read when present.
void JsonCodec<HealthReport>::write(JsonWriter& out, const HealthReport& value) {
  write_object(out, value, [](JsonObjectWriter& m, const HealthReport& report) {
    health_members(m, report);
    if (report.cluster) m.object("cluster", *report.cluster);
  });
}
Status JsonCodec<HealthReport>::read(const rapidjson::Value& value, const std::string& where, HealthReport& out) {
  return read_object(value, where, out, [](JsonObjectReader& m, HealthReport& report) {
    health_members(m, report);
    if (m.status() && m.find("cluster")) m.object_or_null("cluster", report.cluster);
  });
}

void JsonCodec<PublishOutcome>::write(JsonWriter& out, const PublishOutcome& value) {
  write_object(out, value, publish_members);
}
Status JsonCodec<PublishOutcome>::read(const rapidjson::Value& value, const std::string& where, PublishOutcome& out) {
  out.code = PublishOutcome::Code::accepted;
  return read_object(value, where, out, publish_members);
}

}  // namespace notifyd::sdk::api
