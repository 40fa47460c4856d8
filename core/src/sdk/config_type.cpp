#include "notifyd/sdk/config.hpp"

namespace notifyd::sdk {

std::string_view config_type_name(ConfigType type) noexcept {
  switch (type) {
    case ConfigType::string: return "string";
    case ConfigType::integer: return "integer";
    case ConfigType::boolean: return "boolean";
    case ConfigType::duration: return "duration";
    case ConfigType::string_list: return "list of strings";
    case ConfigType::secret: return "secret";
    case ConfigType::path: return "path";
  }
  return "unknown";
}

}  // namespace notifyd::sdk
