#include "json_syntax.hpp"

#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

namespace notifyctl {

std::optional<std::string> json_syntax_error(std::string_view text) {
  rapidjson::BaseReaderHandler<> ignore_values;
  rapidjson::Reader reader;
  rapidjson::MemoryStream stream(text.data(), text.size());
  const rapidjson::ParseResult result = reader.Parse<rapidjson::kParseIterativeFlag>(stream, ignore_values);
  if (!result.IsError()) return std::nullopt;
  return std::string(rapidjson::GetParseError_En(result.Code())) + " at offset " + std::to_string(result.Offset());
}

}  // namespace notifyctl
