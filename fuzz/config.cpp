// `notifyd.toml` as the daemon reads it: the TOML parser, the host's own
// tables, and each `[[plugin]]` and `[[check]]` table checked against a
// schema with one key of every type. A file either reads or is refused, and
// every mistake is named with its place and a message.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "config_error.hpp"
#include "config_file.hpp"
#include "config_table_validator.hpp"
#include "fuzz/fuzz_check.hpp"
#include "notifyd/sdk/config.hpp"

namespace core = notifyd::core;
namespace sdk = notifyd::sdk;

namespace {

// The file the input is written to, made once per process and removed at exit.
char config_path[] = "/tmp/notifyd-fuzz-config-XXXXXX";

void make_config_file() {
  static const bool made = [] {
    const int fd = mkstemp(config_path);
    FUZZ_CHECK(fd >= 0);
    close(fd);
    std::atexit([] { unlink(config_path); });
    return true;
  }();
  (void)made;
}

const sdk::ConfigSchema& every_type_schema() {
  static const sdk::ConfigSchema schema = sdk::ConfigSchema{}
      .string("text", "default", "a string")
      .required_string("needed", "a required string")
      .integer("count", 3, "an integer")
      .boolean("flag", false, "a boolean")
      .duration("every", std::chrono::milliseconds(1000), "a duration")
      .path("file", "relative/file", "a path")
      .string_list("names", {"a"}, "a list of strings")
      .secret("token", "a secret");
  return schema;
}

void check_errors(const core::ConfigErrors& errors, std::size_t from) {
  for (std::size_t i = from; i < errors.size(); ++i) {
    FUZZ_CHECK(!errors[i].file.empty() && !errors[i].message.empty());
    FUZZ_CHECK(errors[i].line >= 0 && errors[i].column >= 0);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  make_config_file();
  const std::string path = config_path;
  FILE* file = std::fopen(path.c_str(), "wb");
  FUZZ_CHECK(file != nullptr);
  FUZZ_CHECK(std::fwrite(data, 1, size, file) == size);
  std::fclose(file);

  core::ConfigErrors errors;
  const auto config = core::read_config_file(path, errors);
  check_errors(errors, 0);
  if (!config) {
    FUZZ_CHECK(!errors.empty());
    return 0;
  }
  for (const auto& plugin : config->plugins) {
    FUZZ_CHECK(plugin.table != nullptr && !plugin.use.empty());
    core::ConfigTableValidator validator(path, config->base_dir, "plugin \"" + plugin.name + "\"");
    validator.reserve({"use", "name", "optional"});
    const std::size_t before = errors.size();
    (void)validator.validate(*plugin.table, every_type_schema(), errors);
    check_errors(errors, before);
  }
  for (const auto& check : config->checks_tables) {
    FUZZ_CHECK(check.table != nullptr);
    core::ConfigTableValidator validator(path, config->base_dir, "check \"" + check.name + "\"");
    for (const auto key : core::check_table_keys) validator.reserve({key});
    const std::size_t before = errors.size();
    (void)validator.validate(*check.table, every_type_schema(), errors);
    check_errors(errors, before);
  }
  return 0;
}
