#include "notifyd/sdk/http.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "notifyd/sdk/utf8.hpp"

namespace notifyd::sdk {

std::string json_quote(std::string_view text) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer, rapidjson::UTF8<>, rapidjson::UTF8<>, rapidjson::CrtAllocator,
                    rapidjson::kWriteValidateEncodingFlag>
      writer(buffer);
  if (!writer.String(text.data(), static_cast<rapidjson::SizeType>(text.size()))) {
    return json_quote(replace_invalid_utf8(text));
  }
  return std::string(buffer.GetString(), buffer.GetSize());
}

HttpResponse HttpResponse::error(unsigned status, std::string_view message) {
  return json(status, "{\"error\":" + json_quote(message) + "}");
}

}  // namespace notifyd::sdk
