// The script contract: a check's stdout as the exec plugin captures it (the
// head of stdout, the tail of stderr, in chunks as reads return them), read
// by the SDK's lenient contract reader and its strict variant, and the
// `# notifyd:` header the plugin reads from a script's first lines.
// The whole input is read as output and as a script; then it is cut into the
// chunks a capture sees (its last byte chooses the capture limit).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <fuzzer/FuzzedDataProvider.h>
#include <rapidjson/document.h>

#include "fuzz/fuzz_check.hpp"
#include "notifyd/sdk/check_output.hpp"
#include "notifyd/sdk/check_result.hpp"
#include "plugins/exec/output_capture.hpp"
#include "plugins/exec/script_header.hpp"

namespace sdk = notifyd::sdk;
namespace exec = notifyd::exec;

namespace {

void check_captures(FuzzedDataProvider& input, std::string& output) {
  const std::size_t limit = input.ConsumeIntegral<std::uint8_t>() * 16;
  exec::OutputHead head(limit);
  exec::OutputTail tail(limit);
  while (input.remaining_bytes() > 0) {
    const std::string chunk = input.ConsumeRandomLengthString(512);
    if (chunk.empty() && input.remaining_bytes() == 0) break;
    head.append(chunk);
    tail.append(chunk);
    output += chunk;
  }
  const std::size_t head_dropped = head.dropped();
  const std::string kept = head.take();
  FUZZ_CHECK(kept == output.substr(0, limit));
  FUZZ_CHECK(head_dropped == output.size() - kept.size());
  const std::string last = tail.take();
  FUZZ_CHECK(last.size() <= limit);
  FUZZ_CHECK(std::string_view(output).ends_with(last));
  FUZZ_CHECK(last.size() + tail.dropped() <= output.size());
}

void check_contract(std::string_view output) {
  const auto read = sdk::read_check_output(output);
  const auto strict = sdk::parse_check_result(output);
  if (strict) FUZZ_CHECK(read && read.value().warnings.empty());
  if (!read) {
    FUZZ_CHECK(!strict && !read.error().empty());
    return;
  }
  const auto& result = read.value().result;
  FUZZ_CHECK(result.cooldown.count() > 0);
  if (result.notify) FUZZ_CHECK(!result.message.empty() || !result.title.empty() || !result.image_path.empty());
  if (!result.image_path.empty()) FUZZ_CHECK(result.image_path.front() == '/');
  if (!result.data_json.empty()) {
    rapidjson::Document data;
    data.Parse(result.data_json.data(), result.data_json.size());
    FUZZ_CHECK(!data.HasParseError() && data.IsObject());
  }
}

void check_header(std::string_view script) {
  const auto header = exec::parse_script_header(script);
  for (const auto& warning : header.warnings) {
    FUZZ_CHECK(warning.line >= 1 && warning.line <= exec::header_scan_lines && !warning.message.empty());
  }
  if (header.timeout) FUZZ_CHECK(header.timeout->count() > 0);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  check_contract(std::string_view(reinterpret_cast<const char*>(data), size));
  check_header(std::string_view(reinterpret_cast<const char*>(data), size));
  FuzzedDataProvider input(data, size);
  std::string output;
  check_captures(input, output);
  return 0;
}
