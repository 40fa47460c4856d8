#include "plugin_docs.hpp"

#include <algorithm>

#include "config_file.hpp"
#include "notifyd/sdk/duration.hpp"
#include "notifyd/sdk/http.hpp"
#include "plugin_loader.hpp"
#include "roff.hpp"

namespace notifyd::core {
namespace {

using namespace std::chrono_literals;

std::string render_default(const sdk::ConfigKey& key) {
  struct Visitor {
    std::string operator()(std::monostate) const { return {}; }
    std::string operator()(const std::string& v) const { return sdk::json_quote(v); }
    std::string operator()(std::int64_t v) const { return std::to_string(v); }
    std::string operator()(bool v) const { return v ? "true" : "false"; }
    std::string operator()(std::chrono::milliseconds v) const { return "\"" + sdk::format_duration(v) + "\""; }
    std::string operator()(const std::vector<std::string>& v) const {
      std::string out = "[";
      for (const auto& item : v) out += (out.size() > 1 ? ", " : "") + sdk::json_quote(item);
      return out + "]";
    }
  };
  return std::visit(Visitor{}, key.default_value);
}

std::string full_heading(const TableDoc& table) {
  if (table.use.empty()) return table.heading;
  return table.heading + "\nuse = \"" + table.use + "\"   # " + table.origin;
}

void print_key_manpage(std::ostream& out, const sdk::ConfigKey& key) {
  out << ".TP\n";
  if (key.type == sdk::ConfigType::secret) {
    out << ".BR " << roff_escape(key.name) << "_env \" or \" " << roff_escape(key.name) << "_file\n";
  } else {
    out << ".B " << roff_escape(key.name) << "\n";
  }
  out << "(" << sdk::config_type_name(key.type) << (key.required ? ", required" : "");
  const auto value = key.type == sdk::ConfigType::secret ? std::string() : render_default(key);
  if (!value.empty()) out << "; default \\fB" << roff_escape(value) << "\\fR";
  out << ")\n";
  if (key.type == sdk::ConfigType::secret) {
    out << "The name of an environment variable, or of a file, holding the secret; never the secret itself.\n";
  }
  out << roff_escape(key.help) << "\n";
}

void print_table_manpage(std::ostream& out, const TableDoc& table) {
  out << ".SS \"" << roff_escape(table.use.empty() ? table.heading : table.heading + " use = \"\"" + table.use + "\"\"")
      << "\"\n";
  if (!table.schema.summary().empty()) out << roff_escape(table.schema.summary()) << "\n";
  if (!table.origin.empty()) out << ".br\nKind: " << roff_escape(table.origin.substr(0, table.origin.find(','))) << ".\n";
  for (const auto& key : table.schema.keys()) print_key_manpage(out, key);
}

}  // namespace

sdk::ConfigSchema check_table_schema() {
  sdk::ConfigSchema schema;
  schema.required_string("name", "The check's name, unique among the checks")
      .add({"notify", sdk::ConfigType::string_list, {}, "The users who get its alerts; it runs once for each", true})
      .string("schedule", "", "Cron expression; empty = the cron plugin's default_schedule")
      .duration("timeout", 60s, "How long one run may take")
      .add({"cooldown", sdk::ConfigType::duration, {}, "Overrides the cooldown the check reports"});
  return schema;
}

std::vector<TableDoc> collect_table_docs(const std::filesystem::path& plugin_dir, std::vector<std::string>& problems) {
  std::vector<TableDoc> tables;
  tables.push_back({"[daemon]", "", "", daemon_schema()});
  tables.push_back({"[pipeline]", "", "", pipeline_schema()});
  tables.push_back({"[checks]", "", "", checks_schema()});
  tables.push_back({"[cluster]", "", "", cluster_schema()});
  PluginLoader loader(plugin_dir);
  for (const auto& file : loader.available()) {
    auto library = PluginLoader::load_file(file, "");
    if (!library) {
      problems.push_back(library.error());
      continue;
    }
    const auto* descriptor = library.value()->descriptor;
    TableDoc table{"[[plugin]]", descriptor->name,
                   std::string(sdk::kind_name(descriptor->kind)) + ", " + file.string(), library.value()->schema};
    if (descriptor->kind == sdk::Kind::check) {
      table.heading = "[[check]]";
      sdk::ConfigSchema schema = check_table_schema();
      schema.summary(library.value()->schema.summary());
      for (const auto& key : library.value()->schema.keys()) schema.add(key);
      table.schema = std::move(schema);
    }
    tables.push_back(std::move(table));
  }
  // The host's tables, the plugins, then the check libraries.
  std::stable_partition(tables.begin(), tables.end(), [](const TableDoc& table) { return table.heading != "[[check]]"; });
  return tables;
}

void print_schema(std::ostream& out, std::string_view heading, const sdk::ConfigSchema& schema) {
  out << heading << "\n";
  if (!schema.summary().empty()) out << "# " << schema.summary() << "\n";
  for (const auto& key : schema.keys()) {
    out << "# " << key.help << " (" << sdk::config_type_name(key.type) << (key.required ? ", required" : "") << ")\n";
    if (key.type == sdk::ConfigType::secret) {
      out << "#" << key.name << "_env = \"VARIABLE\"   # or " << key.name << "_file = \"/path\"\n";
      continue;
    }
    const auto value = render_default(key);
    if (value.empty()) out << "#" << key.name << " = \n";
    else out << key.name << " = " << value << "\n";
  }
  out << "\n";
}

void print_table_docs(std::ostream& out, const std::vector<TableDoc>& tables) {
  for (const auto& table : tables) print_schema(out, full_heading(table), table.schema);
}

void print_table_docs_manpage(std::ostream& out, const std::vector<TableDoc>& tables, std::string_view version) {
  out << roff_title("notifyd.toml", "5", version, "File Formats") << ".SH NAME\n"
      << "notifyd.toml \\- configuration of the notifyd notification daemon\n"
      << ".SH DESCRIPTION\n"
      << ".I /etc/notifyd/notifyd.toml\n"
      << "is a TOML file. The tables\n.BR [daemon] ,\n.B [pipeline]\nand\n.B [checks]\n"
         "configure the host; each\n.B [[plugin]]\ntable loads one plugin instance from\n.I plugin_dir\n"
         "(its library named by\n.BR use ,\nits instance by\n.BR name ),\nand each\n.B [[check]]\n"
         "table runs a native check library. A key that is not listed here is an error, reported with its "
         "file, line and column; so is a value of the wrong type.\n"
         "Secrets are never written in the file: a secret key\n.I x\nis given as\n.I x_env\n"
         "(an environment variable, e.g. from /etc/notifyd/notifyd.env) or\n.I x_file\n(a file).\n"
         ".PP\nDurations are strings such as \"30s\", \"5m\", \"1h\" or \"1d\". Check the file with\n"
         ".BR \"notifyd \\-\\-check\\-config\" ;\n"
         "apply a changed file with\n.B systemctl reload notifyd\n(SIGHUP).\n"
         ".PP\nThis page lists the plugins installed with notifyd;\n"
         ".B \"notifyd \\-\\-describe\\-plugins\"\nlists those in the configured\n.I plugin_dir\nas TOML.\n";
  out << ".SH \"HOST TABLES\"\n";
  bool plugins_started = false;
  bool checks_started = false;
  for (const auto& table : tables) {
    if (table.heading == "[[plugin]]" && !plugins_started) {
      out << ".SH PLUGINS\nEvery\n.B [[plugin]]\ntable also takes\n.B use\n(required) and\n.B name\n"
             "(the instance's name, default the value of\n.BR use ),\nand\n.B optional\n"
             "(default false; true: a plugin that cannot be loaded or set up is left out with a log line "
             "instead of stopping the daemon).\n";
      plugins_started = true;
    }
    if (table.heading == "[[check]]" && !checks_started) {
      out << ".SH \"CHECK LIBRARIES\"\nNative checks, used in\n.B [[check]]\ntables with\n.BR use .\n";
      checks_started = true;
    }
    print_table_manpage(out, table);
  }
  out << ".SH FILES\n.TP\n.I /etc/notifyd/notifyd.toml\nthis file\n.TP\n.I /etc/notifyd/notifyd.env\n"
         "environment of the service (secrets named by *_env keys)\n"
         ".SH \"SEE ALSO\"\n.BR notifyd (8),\n.BR notifyctl (1)\n";
}

}  // namespace notifyd::core
