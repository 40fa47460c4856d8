#include "answer_text.hpp"

#include <rapidjson/document.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include "notifyd/sdk/json.hpp"
#include "terminal_text.hpp"

namespace notifyctl {
namespace {

constexpr std::size_t refusal_text_limit = 200;

// Indentation grows with depth, so pretty output of deep JSON grows
// quadratically: stop (and let the caller print the body as it is) beyond
// a readable depth or once the output is several times the input.
constexpr std::size_t pretty_json_max_depth = 64;

std::size_t pretty_json_size_limit(std::size_t body_size) { return 4 * body_size + 64 * 1024; }

class BoundedPrettyWriter {
 public:
  BoundedPrettyWriter(rapidjson::StringBuffer& buffer, std::size_t max_size)
      : buffer_(buffer), writer_(buffer), max_size_(max_size) {
    writer_.SetIndent(' ', 2);
  }

  bool Null() { return has_room() && writer_.Null(); }
  bool Bool(bool value) { return has_room() && writer_.Bool(value); }
  bool Int(int value) { return has_room() && writer_.Int(value); }
  bool Uint(unsigned value) { return has_room() && writer_.Uint(value); }
  bool Int64(std::int64_t value) { return has_room() && writer_.Int64(value); }
  bool Uint64(std::uint64_t value) { return has_room() && writer_.Uint64(value); }
  bool Double(double value) { return has_room() && writer_.Double(value); }
  bool RawNumber(const char* text, rapidjson::SizeType length, bool copy) {
    return has_room() && writer_.RawNumber(text, length, copy);
  }
  bool String(const char* text, rapidjson::SizeType length, bool copy) {
    return has_room() && writer_.String(text, length, copy);
  }
  bool Key(const char* text, rapidjson::SizeType length, bool copy) {
    return has_room() && writer_.Key(text, length, copy);
  }
  bool StartObject() { return enter() && writer_.StartObject(); }
  bool EndObject(rapidjson::SizeType members) {
    --depth_;
    return writer_.EndObject(members);
  }
  bool StartArray() { return enter() && writer_.StartArray(); }
  bool EndArray(rapidjson::SizeType elements) {
    --depth_;
    return writer_.EndArray(elements);
  }

 private:
  bool has_room() const { return buffer_.GetSize() <= max_size_; }
  bool enter() { return has_room() && ++depth_ <= pretty_json_max_depth; }

  rapidjson::StringBuffer& buffer_;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> writer_;
  std::size_t max_size_;
  std::size_t depth_ = 0;
};

}  // namespace

std::string describe_refusal(unsigned status, std::string_view reason, std::string_view body) {
  std::string explanation;
  rapidjson::Document document;
  if (notifyd::sdk::parse_json(body, document)) {
    explanation = notifyd::sdk::json_string(document, "error").value_or("");
    if (explanation.empty()) explanation = notifyd::sdk::json_string(document, "message").value_or("");
  } else {
    explanation = std::string(first_line(body));
  }
  explanation = printable_line(explanation);
  if (explanation.find_first_not_of(' ') == std::string::npos) explanation = printable_line(reason);
  if (explanation.empty()) explanation = "request refused";
  return truncate_characters(explanation, refusal_text_limit) + " (HTTP " + std::to_string(status) + ")";
}

std::optional<std::string> pretty_json(std::string_view body) {
  rapidjson::StringBuffer buffer;
  BoundedPrettyWriter writer(buffer, pretty_json_size_limit(body.size()));
  rapidjson::Reader reader;
  rapidjson::MemoryStream stream(body.data(), body.size());
  if (!reader.Parse<rapidjson::kParseIterativeFlag>(stream, writer)) return std::nullopt;
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace notifyctl
