#include "config_file.hpp"

#include <algorithm>
#include <cctype>
#include <initializer_list>
#include <set>
#include <thread>

#include "config_table_validator.hpp"
#include "notifyd/sdk/duration.hpp"
#include "notifyd/sdk/unix_socket_file.hpp"
#include "log_sink.hpp"

namespace notifyd::core {
namespace {

using namespace std::chrono_literals;

void error_at(ConfigErrors& errors, const std::string& file, const toml::source_region& where, std::string message) {
  errors.push_back({file, static_cast<int>(where.begin.line), static_cast<int>(where.begin.column), std::move(message)});
}

bool valid_instance_name(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') return false;
  }
  return true;
}

// The least value a numeric key of a host table may take; `what` names the table.
struct Floor {
  std::string_view key;
  std::int64_t minimum;  ///< for a duration key, in milliseconds
};

// Refuses values the schema accepted but that mean nothing (`threads = 0`,
// `max_in_flight = -5`, `retry_max = "0s"`), at the value's place.
void refuse_below(const toml::table& table, const sdk::ConfigSchema& schema, const sdk::PluginConfig& view,
                  const std::string& file, std::string_view what, std::initializer_list<Floor> floors,
                  ConfigErrors& errors) {
  for (const auto& floor : floors) {
    const auto* node = table.get(floor.key);
    const auto* key = schema.find(floor.key);
    if (!node || !key || !view.is_set(floor.key)) continue;
    if (key->type == sdk::ConfigType::duration) {
      if (view.duration(floor.key).count() >= floor.minimum) continue;
      error_at(errors, file, node->source(),
               std::string(what) + ": `" + std::string(floor.key) + "` must be longer than zero");
    } else if (const std::int64_t value = view.integer(floor.key); value < floor.minimum) {
      error_at(errors, file, node->source(),
               std::string(what) + ": `" + std::string(floor.key) + "` must be at least " +
                   std::to_string(floor.minimum) + ", not " + std::to_string(value));
    }
  }
}

template <class T>
T positive(std::int64_t value, T fallback) {
  return value > 0 ? static_cast<T>(value) : fallback;
}

// What is wrong with the shape of a [[check]] schedule, or empty: five fields
// (after an optional CRON_TZ= or TZ= zone), an @-name, or @every <duration>.
// The cron trigger reads the fields themselves when it schedules the check.
std::string schedule_shape_problem(std::string_view text) {
  std::vector<std::string_view> fields;
  for (std::size_t at = 0; at < text.size();) {
    while (at < text.size() && std::isspace(static_cast<unsigned char>(text[at]))) ++at;
    const std::size_t begin = at;
    while (at < text.size() && !std::isspace(static_cast<unsigned char>(text[at]))) ++at;
    if (at > begin) fields.push_back(text.substr(begin, at - begin));
  }
  if (!fields.empty() && (fields.front().starts_with("CRON_TZ=") || fields.front().starts_with("TZ="))) {
    fields.erase(fields.begin());
  }
  if (fields.empty()) return "is empty";
  if (fields.front().starts_with('@')) {
    static constexpr std::string_view names[] = {"@hourly", "@daily", "@midnight", "@weekly",
                                                 "@monthly", "@yearly", "@annually"};
    if (fields.front() == "@every") {
      if (fields.size() == 2 && sdk::parse_duration(fields[1]).ok()) return {};
      return "must be @every <duration>, such as \"@every 10m\"";
    }
    if (fields.size() == 1 && std::find(std::begin(names), std::end(names), fields.front()) != std::end(names)) {
      return {};
    }
    return "is not one of @hourly, @daily, @midnight, @weekly, @monthly, @yearly, @annually or @every <duration>";
  }
  if (fields.size() != 5) {
    return "has " + std::to_string(fields.size()) + (fields.size() == 1 ? " field" : " fields") +
           "; a cron schedule has five: minute hour day-of-month month day-of-week (\"*/5 * * * *\")";
  }
  return {};
}

// The host's part of every [[check]] table; the rest is validated against the check's schema later.
void read_check_tables(const toml::table& root, const std::string& file, std::set<std::string>& names,
                       ConfigFile& config, ConfigErrors& errors) {
  const auto* checks = root.get_as<toml::array>("check");
  if (!checks || !checks->is_array_of_tables()) return;
  for (const auto& element : *checks) {
    const auto& table = *element.as_table();
    CheckSpec spec;
    spec.where = table.source();
    spec.table = &table;
    bool ok = true;
    const auto string_key = [&](std::string_view key, std::string& out, bool required) {
      const auto* node = table.get(key);
      if (!node) {
        if (required) {
          error_at(errors, file, table.source(), "[[check]]: missing required key `" + std::string(key) + "`");
          ok = false;
        }
        return node;
      }
      if (auto text = node->value_exact<std::string>()) {
        out = *text;
      } else {
        error_at(errors, file, node->source(), "[[check]]: `" + std::string(key) + "` must be a string");
        ok = false;
      }
      return node;
    };
    const auto* name_node = string_key("name", spec.name, true);
    const auto* use_node = string_key("use", spec.use, true);
    if (const auto* schedule = string_key("schedule", spec.schedule, false); schedule && !spec.schedule.empty()) {
      if (const auto problem = schedule_shape_problem(spec.schedule); !problem.empty()) {
        error_at(errors, file, schedule->source(), "[[check]]: `schedule` \"" + spec.schedule + "\" " + problem);
        ok = false;
      }
    }
    if (name_node && !spec.name.empty() && !valid_instance_name(spec.name)) {
      error_at(errors, file, name_node->source(), "[[check]]: `name` must be letters, digits, '-' or '_' (at most 64)");
      ok = false;
    }
    if (use_node && !spec.use.empty() && !valid_instance_name(spec.use)) {
      error_at(errors, file, use_node->source(), "[[check]]: `use` must be a check library name such as \"disk_space\"");
      ok = false;
    }
    if (const auto* notify = table.get("notify")) {
      const auto* list = notify->as_array();
      if (!list || list->empty()) {
        error_at(errors, file, notify->source(), "[[check]]: `notify` must be a non-empty list of user names");
        ok = false;
      } else {
        for (const auto& user : *list) {
          if (auto text = user.value_exact<std::string>(); text && !text->empty()) {
            spec.notify.push_back(*text);
          } else {
            error_at(errors, file, user.source(), "[[check]]: `notify` must hold user names");
            ok = false;
          }
        }
      }
    } else {
      error_at(errors, file, table.source(), "[[check]]: missing required key `notify` (who gets its alerts)");
      ok = false;
    }
    const auto duration_key = [&](std::string_view key) -> std::optional<std::chrono::milliseconds> {
      const auto* node = table.get(key);
      if (!node) return std::nullopt;
      auto text = node->value_exact<std::string>();
      auto parsed = text ? sdk::parse_duration(*text) : sdk::Result<std::chrono::milliseconds>::failure("not a string");
      if (!parsed || parsed.value().count() <= 0) {
        error_at(errors, file, node->source(),
                 "[[check]]: `" + std::string(key) + "` must be a duration such as \"30s\" or \"1h\"");
        ok = false;
        return std::nullopt;
      }
      return parsed.value();
    };
    if (auto timeout = duration_key("timeout")) spec.timeout = *timeout;
    if (auto cooldown = duration_key("cooldown")) {
      spec.cooldown = std::chrono::duration_cast<std::chrono::seconds>(*cooldown);
    }
    if (ok && !names.insert("check:" + spec.name).second) {
      error_at(errors, file, table.source(), "[[check]]: the name \"" + spec.name + "\" is used twice");
      ok = false;
    }
    // A table with mistakes of its own still gets its check's keys validated, so every mistake is reported.
    if (ok || !spec.use.empty()) config.checks_tables.push_back(std::move(spec));
  }
}

}  // namespace

sdk::ConfigSchema daemon_schema() {
  sdk::ConfigSchema schema;
  schema.summary("The host itself: where data and plugins live, who is an admin, logging.")
      .path("data_dir", "/var/lib/notifyd", "Directory for the notification store, images and users' link files")
      .path("plugin_dir", "/usr/lib/notifyd", "Directory holding notifyd_<use>.so plugin libraries")
      .string("admin_group", "", "Unix group whose members may act for other users; empty = root only")
      .string("log_level", "info", "debug, info, warn or error")
      .path("log_file", "", "Write the log here instead of stderr; reopened on SIGHUP (logrotate)")
      .integer("threads", 2, "Threads running the event loop")
      .duration("shutdown_timeout", 10s, "How long in-flight work may drain on SIGTERM")
      .string("file_mode", "0640",
              "Mode (octal) of every file written in data_dir (link files, store, images), whatever the umask")
      .string("file_group", "",
              "Group given to every file written in data_dir (e.g. the old dashboard's data-ops); empty = unchanged");
  return schema;
}

sdk::ConfigSchema pipeline_schema() {
  sdk::ConfigSchema schema;
  schema.summary("Delivery: who may receive, outbox retries, expiry and history retention.")
      .string("recipients", "system",
              "Who may receive notifications: \"system\" = users this machine knows (others are refused, 404); "
              "\"any\" = any well-formed user name (users who exist only on other machines or in the web login)")
      .duration("retry_initial", 1s, "First retry delay; doubles per attempt, with jitter")
      .duration("retry_max", 5min, "Longest delay between retries")
      .duration("delivery_ttl", 24h, "An undelivered notification expires into the dead-letter record after this")
      .integer("max_in_flight", 32, "Deliveries in progress at once per channel")
      .integer("outbox_memory_items", 10000, "Queued deliveries kept in memory per channel; the rest wait on disk")
      .integer("history_max_count", 100000, "Notifications kept in history")
      .duration("history_max_age", 720h, "Notifications and check runs older than this are removed from history");
  return schema;
}

sdk::ConfigSchema checks_schema() {
  sdk::ConfigSchema schema;
  schema.summary("Checks: how many run at once, failure alerts, images.")
      .integer("max_concurrent", 8, "Checks running at once; more wait in a queue")
      .integer("runs_per_check", 1000, "Runs kept in each check's history (also bounded by [pipeline] history_max_age)")
      .integer("failure_alert_after", 3, "Failed runs in a row before the owner is told (and told again on recovery); 0 = never")
      .integer("image_max_bytes", 10 << 20, "Largest image a check may attach");
  return schema;
}

sdk::ConfigSchema cluster_schema() {
  sdk::ConfigSchema schema;
  schema.summary("Where notifications and shared state are kept: this machine alone, or replicas on PostgreSQL.")
      .string("backend", "local",
              "\"local\": SQLite and files in data_dir; \"postgres\": one PostgreSQL database that replicas share")
      .secret("dsn", "backend = \"postgres\": the libpq connection string (host=… dbname=… or postgresql://…)")
      .string("host_group", "",
              "Replicas that see the same home directories and users (checks run only in their group); "
              "empty = this machine's host name")
      .duration("lease_ttl", 10s,
                "How long a lease (a channel's bot poller, a check's run) outlives a replica that stopped "
                "renewing it; renewed every third of it; at least 1s")
      .string("address", "",
              "How operators reach this replica (such as its dashboard's URL), shown with it in health; "
              "empty = not shown");
  return schema;
}

std::optional<ConfigFile> read_config_file(const std::filesystem::path& path, ConfigErrors& errors) {
  // Every message names the file the same way, absolute, whoever finds the mistake.
  const std::string file = std::filesystem::absolute(path).lexically_normal().string();
  auto document = std::make_shared<toml::table>();
  try {
    *document = toml::parse_file(file);
  } catch (const toml::parse_error& e) {
    const auto& where = e.source();
    errors.push_back({file, static_cast<int>(where.begin.line), static_cast<int>(where.begin.column),
                      std::string(e.description())});
    return std::nullopt;
  }

  const toml::table& root = *document;
  ConfigFile config;
  config.document = document;
  config.path = std::filesystem::absolute(path).lexically_normal();
  config.base_dir = config.path.parent_path();

  static const toml::table empty;
  for (auto&& [key, node] : root) {
    const auto name = key.str();
    if (name == "daemon" || name == "pipeline" || name == "checks" || name == "cluster") {
      if (!node.is_table()) error_at(errors, file, node.source(), "`" + std::string(name) + "` must be a table");
    } else if (name == "plugin" || name == "check") {
      if (!node.is_array_of_tables()) {
        error_at(errors, file, node.source(), "`" + std::string(name) + "` must be written as [[" + std::string(name) + "]] tables");
      }
    } else {
      error_at(errors, file, key.source(), "unknown table `" + std::string(name) + "` (known: daemon, pipeline, checks, cluster, plugin, check)");
    }
  }

  const auto table_or_empty = [&](std::string_view name) -> const toml::table& {
    const auto* table = root.get_as<toml::table>(name);
    return table ? *table : empty;
  };

  {
    ConfigTableValidator validator(file, config.base_dir, "[daemon]");
    const auto view = validator.validate(table_or_empty("daemon"), daemon_schema(), errors);
    auto& d = config.daemon;
    d.data_dir = view.string("data_dir");
    d.plugin_dir = view.string("plugin_dir");
    d.admin_group = view.string("admin_group");
    d.log_file = view.string("log_file");
    if (!parse_log_level(view.string("log_level"), d.log_level)) {
      const auto* node = table_or_empty("daemon").get("log_level");
      error_at(errors, file, node ? node->source() : toml::source_region{},
               "[daemon]: `log_level` must be debug, info, warn or error");
    }
    refuse_below(table_or_empty("daemon"), daemon_schema(), view, file, "[daemon]",
                 {{"threads", 1}, {"shutdown_timeout", 1}}, errors);
    if (const auto* node = table_or_empty("daemon").get("threads"); node && view.integer("threads") > 64) {
      error_at(errors, file, node->source(), "[daemon]: `threads` must be at most 64, not " +
                                                 std::to_string(view.integer("threads")));
    }
    d.threads = static_cast<unsigned>(std::clamp<std::int64_t>(view.integer("threads"), 1, 64));
    d.shutdown_timeout = view.duration("shutdown_timeout");
    const auto key_source = [&](const char* key) {
      const auto* node = table_or_empty("daemon").get(key);
      return node ? node->source() : toml::source_region{};
    };
    if (const auto mode = sdk::parse_octal_mode(view.string("file_mode"))) {
      d.files.mode = *mode;
    } else {
      error_at(errors, file, key_source("file_mode"), "[daemon]: `file_mode` must be an octal mode such as \"0660\" (at most 0777)");
    }
    if (const auto group = view.string("file_group"); !group.empty()) {
      if (auto gid = sdk::lookup_group(group)) {
        d.files.group = gid.value();
        d.files.group_name = group;
      } else {
        error_at(errors, file, key_source("file_group"), "[daemon]: `file_group`: " + gid.error());
      }
    }
  }
  {
    ConfigTableValidator validator(file, config.base_dir, "[pipeline]");
    const auto view = validator.validate(table_or_empty("pipeline"), pipeline_schema(), errors);
    refuse_below(table_or_empty("pipeline"), pipeline_schema(), view, file, "[pipeline]",
                 {{"retry_initial", 1}, {"retry_max", 1}, {"delivery_ttl", 1}, {"max_in_flight", 1},
                  {"outbox_memory_items", 1}, {"history_max_count", 1}, {"history_max_age", 1}},
                 errors);
    auto& p = config.pipeline;
    if (const auto recipients = view.string("recipients"); recipients == "any") {
      p.recipients = Recipients::any;
    } else if (recipients != "system") {
      const auto* node = table_or_empty("pipeline").get("recipients");
      error_at(errors, file, node ? node->source() : toml::source_region{},
               "[pipeline]: `recipients` must be \"system\" or \"any\", not \"" + recipients + "\"");
    }
    p.retry_initial = std::max(view.duration("retry_initial"), std::chrono::milliseconds{1});
    p.retry_max = std::max(view.duration("retry_max"), p.retry_initial);
    p.delivery_ttl = view.duration("delivery_ttl");
    p.max_in_flight = positive<std::uint32_t>(view.integer("max_in_flight"), 32);
    p.outbox_memory_items = positive<std::uint32_t>(view.integer("outbox_memory_items"), 10000);
    p.history_max_count = positive<std::uint64_t>(view.integer("history_max_count"), 100000);
    p.history_max_age = view.duration("history_max_age");
  }

  {
    ConfigTableValidator validator(file, config.base_dir, "[checks]");
    const auto view = validator.validate(table_or_empty("checks"), checks_schema(), errors);
    refuse_below(table_or_empty("checks"), checks_schema(), view, file, "[checks]",
                 {{"max_concurrent", 1}, {"runs_per_check", 1}, {"failure_alert_after", 0}, {"image_max_bytes", 1}},
                 errors);
    auto& c = config.checks;
    c.max_concurrent = positive<std::uint32_t>(view.integer("max_concurrent"), 8);
    c.failure_alert_after = static_cast<std::uint32_t>(std::max<std::int64_t>(view.integer("failure_alert_after"), 0));
    c.image_max_bytes = positive<std::uint64_t>(view.integer("image_max_bytes"), 10u << 20);
    c.runs_per_check = positive<std::uint32_t>(view.integer("runs_per_check"), 1000);
  }

  {
    ConfigTableValidator validator(file, config.base_dir, "[cluster]");
    const auto view = validator.validate(table_or_empty("cluster"), cluster_schema(), errors);
    auto& c = config.cluster;
    const auto key_at = [&](std::string_view key) {
      const auto* node = table_or_empty("cluster").get(key);
      return node ? node->source() : table_or_empty("cluster").source();
    };
    if (const auto backend = view.string("backend"); backend == "postgres") {
      c.backend = ClusterBackend::postgres;
      c.dsn = view.secret("dsn");
      if (c.dsn.empty()) {
        error_at(errors, file, key_at("backend"),
                 "[cluster]: backend = \"postgres\" needs the connection string: dsn_env or dsn_file");
      }
    } else if (backend != "local") {
      error_at(errors, file, key_at("backend"),
               "[cluster]: `backend` must be \"local\" or \"postgres\", not \"" + backend + "\"");
    }
    c.host_group = view.string("host_group");
    c.address = view.string("address");
    c.lease_ttl = view.duration("lease_ttl");
    if (table_or_empty("cluster").get("lease_ttl") && c.lease_ttl < std::chrono::seconds(1)) {
      error_at(errors, file, key_at("lease_ttl"),
               "[cluster]: `lease_ttl` must be at least 1s (a lease is renewed every third of it), not " +
                   std::to_string(c.lease_ttl.count()) + " ms");
      c.lease_ttl = std::chrono::seconds(1);
    }
  }

  std::set<std::string> names;
  if (const auto* plugins = root.get_as<toml::array>("plugin"); plugins && plugins->is_array_of_tables()) {
    for (const auto& element : *plugins) {
      const auto& table = *element.as_table();
      PluginSpec spec;
      spec.where = table.source();
      spec.table = &table;
      const auto* use = table.get("use");
      if (!use) {
        error_at(errors, file, table.source(), "[[plugin]]: missing required key `use` (which plugin library to load)");
        continue;
      }
      if (auto text = use->value_exact<std::string>(); text && valid_instance_name(*text)) {
        spec.use = *text;
      } else {
        error_at(errors, file, use->source(), "[[plugin]]: `use` must be a plugin name such as \"socket\"");
        continue;
      }
      spec.name = spec.use;
      if (const auto* name = table.get("name")) {
        if (auto text = name->value_exact<std::string>(); text && valid_instance_name(*text)) {
          spec.name = *text;
        } else {
          error_at(errors, file, name->source(), "[[plugin]]: `name` must be letters, digits, '-' or '_' (at most 64)");
          continue;
        }
      }
      if (const auto* optional = table.get("optional")) {
        if (auto flag = optional->value_exact<bool>()) spec.optional = *flag;
        else error_at(errors, file, optional->source(), "[[plugin]]: `optional` must be true or false");
      }
      if (!names.insert(spec.name).second) {
        error_at(errors, file, table.source(),
                 "[[plugin]]: the name \"" + spec.name + "\" is used twice; give each instance its own `name`");
        continue;
      }
      config.plugins.push_back(std::move(spec));
    }
  }
  read_check_tables(root, file, names, config, errors);
  sort_by_position(errors);
  return config;
}

}  // namespace notifyd::core
