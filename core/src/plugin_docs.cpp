#include "plugin_docs.hpp"

#include "notifyd/sdk/duration.hpp"
#include "notifyd/sdk/http.hpp"

namespace notifyd::core {
namespace {

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

}  // namespace

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

}  // namespace notifyd::core
