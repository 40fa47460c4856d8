#include "reply_inbox.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "notifyd/sdk/json.hpp"

namespace notifyd::telegram {
namespace {

struct Contents {
  std::uint64_t next_seq = 1;
  std::vector<InboxEntry> entries;
};

// A document that does not parse reads as empty: nothing in it can be used.
Contents parse(const std::optional<std::string>& text) {
  Contents contents;
  rapidjson::Document document;
  if (!text || !sdk::parse_json(*text, document) || !document.IsObject()) return contents;
  std::uint64_t highest = 0;
  if (const auto* entries = sdk::json_member(document, "entries"); entries && entries->IsArray()) {
    for (const auto& item : entries->GetArray()) {
      const auto seq = sdk::json_int64(item, "seq");
      if (!seq || *seq <= 0) continue;
      InboxEntry entry;
      entry.seq = static_cast<std::uint64_t>(*seq);
      entry.chat_id = sdk::json_int64(item, "chat_id").value_or(0);
      entry.text = sdk::json_string(item, "text").value_or("");
      entry.unmute = sdk::json_string(item, "unmute").value_or("");
      if ((entry.chat_id == 0 || entry.text.empty()) && entry.unmute.empty()) continue;
      highest = std::max(highest, entry.seq);
      contents.entries.push_back(std::move(entry));
    }
  }
  const auto next = sdk::json_int64(document, "next_seq").value_or(1);
  contents.next_seq = std::max<std::uint64_t>(next > 0 ? static_cast<std::uint64_t>(next) : 1, highest + 1);
  return contents;
}

std::string serialize(const Contents& contents) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartObject();
  writer.Key("next_seq");
  writer.Uint64(contents.next_seq);
  writer.Key("entries");
  writer.StartArray();
  for (const auto& entry : contents.entries) {
    writer.StartObject();
    writer.Key("seq");
    writer.Uint64(entry.seq);
    if (!entry.unmute.empty()) {
      writer.Key("unmute");
      writer.String(entry.unmute.data(), static_cast<rapidjson::SizeType>(entry.unmute.size()));
    } else {
      writer.Key("chat_id");
      writer.Int64(entry.chat_id);
      writer.Key("text");
      writer.String(entry.text.data(), static_cast<rapidjson::SizeType>(entry.text.size()));
    }
    writer.EndObject();
  }
  writer.EndArray();
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
}

}  // namespace

std::string inbox_name_for(const std::string& state_file) {
  const std::string suffix = ".json";
  if (state_file.size() > suffix.size() && state_file.ends_with(suffix)) {
    return state_file.substr(0, state_file.size() - suffix.size()) + ".inbox.json";
  }
  return state_file + ".inbox";
}

sdk::Status ReplyInbox::append(InboxEntry entry) {
  auto updated = store_.update(name_, [&](const std::optional<std::string>& current) -> sdk::Result<std::optional<std::string>> {
    auto contents = parse(current);
    entry.seq = contents.next_seq++;
    contents.entries.push_back(entry);
    return std::optional<std::string>{serialize(contents)};
  });
  if (!updated) return sdk::Status::failure("cannot write " + name_ + ": " + updated.error());
  return sdk::Status::success();
}

sdk::Status ReplyInbox::tell(std::int64_t chat, std::string_view text) {
  InboxEntry entry;
  entry.chat_id = chat;
  entry.text = std::string(text);
  return append(std::move(entry));
}

sdk::Status ReplyInbox::unmute(std::string_view user) {
  InboxEntry entry;
  entry.unmute = std::string(user);
  return append(std::move(entry));
}

sdk::Result<std::vector<InboxEntry>> ReplyInbox::after(std::uint64_t done) const {
  auto content = store_.read(name_);
  if (!content) return sdk::Result<std::vector<InboxEntry>>::failure("cannot read " + name_ + ": " + content.error());
  auto contents = parse(content.value());
  std::erase_if(contents.entries, [&](const InboxEntry& entry) { return entry.seq <= done; });
  return std::move(contents.entries);
}

sdk::Status ReplyInbox::forget(std::uint64_t done) {
  auto updated = store_.update(name_, [&](const std::optional<std::string>& current) -> sdk::Result<std::optional<std::string>> {
    if (!current) return std::optional<std::string>{};
    auto contents = parse(current);
    const auto before = contents.entries.size();
    std::erase_if(contents.entries, [&](const InboxEntry& entry) { return entry.seq <= done; });
    if (contents.entries.size() == before) return std::optional<std::string>{};
    return std::optional<std::string>{serialize(contents)};
  });
  if (!updated) return sdk::Status::failure("cannot write " + name_ + ": " + updated.error());
  return sdk::Status::success();
}

}  // namespace notifyd::telegram
