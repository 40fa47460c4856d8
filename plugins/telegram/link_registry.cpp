#include "link_registry.hpp"

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include "json_fields.hpp"

namespace notifyd::telegram {

sdk::Result<Links> parse_links(std::string_view text) {
  using R = sdk::Result<Links>;
  rapidjson::Document document;
  if (auto error = json_parse(document, text)) return R::failure("not valid JSON: " + *error);
  if (!document.IsObject()) return R::failure("not a JSON object of users");
  Links links;
  for (const auto& member : document.GetObject()) {
    const std::string user(member.name.GetString(), member.name.GetStringLength());
    const auto chat = json_int(member.value, "chat_id");
    if (user.empty() || !chat || *chat == 0) continue;
    Link link;
    link.chat_id = *chat;
    link.linked_at = json_string(member.value, "linked_at").value_or("");
    link.active = json_bool(member.value, "active").value_or(true);
    for (const auto& field : member.value.GetObject()) {
      const std::string name(field.name.GetString(), field.name.GetStringLength());
      if (name != "chat_id" && name != "linked_at" && name != "active") link.other[name] = json_text(field.value);
    }
    links[user] = std::move(link);
  }
  return links;
}

std::string serialize_links(const Links& links) {
  rapidjson::StringBuffer buffer;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> writer(buffer);
  writer.SetIndent(' ', 2);
  writer.StartObject();
  for (const auto& [user, link] : links) {
    writer.Key(user.data(), static_cast<rapidjson::SizeType>(user.size()));
    writer.StartObject();
    writer.Key("chat_id");
    writer.Int64(link.chat_id);
    writer.Key("linked_at");
    writer.String(link.linked_at.data(), static_cast<rapidjson::SizeType>(link.linked_at.size()));
    if (!link.active) {
      writer.Key("active");
      writer.Bool(false);
    }
    for (const auto& [name, json] : link.other) {
      writer.Key(name.data(), static_cast<rapidjson::SizeType>(name.size()));
      writer.RawValue(json.data(), json.size(), rapidjson::kObjectType);
    }
    writer.EndObject();
  }
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
}

LinkRegistry::LinkRegistry(sdk::DocumentStore& store, std::string file) : store_(store), file_(std::move(file)) {}

sdk::Status LinkRegistry::load() {
  auto content = store_.read(file_);
  if (!content) return sdk::Status::failure(content.error());
  Links links;
  if (content.value()) {
    auto parsed = parse_links(*content.value());
    if (!parsed) return sdk::Status::failure(file_ + " is " + parsed.error() + "; fix or remove it");
    links = std::move(parsed).value();
  }
  std::unique_lock lock(mutex_);
  links_ = std::move(links);
  return sdk::Status::success();
}

std::optional<Link> LinkRegistry::find(std::string_view user) const {
  std::shared_lock lock(mutex_);
  const auto found = links_.find(user);
  if (found == links_.end()) return std::nullopt;
  return found->second;
}

std::vector<std::string> LinkRegistry::users_of(std::int64_t chat) const {
  std::shared_lock lock(mutex_);
  std::vector<std::string> users;
  for (const auto& [user, link] : links_) {
    if (link.chat_id == chat) users.push_back(user);
  }
  return users;
}

bool LinkRegistry::reaches(std::string_view user) const {
  std::shared_lock lock(mutex_);
  const auto found = links_.find(user);
  return found != links_.end() && found->second.active;
}

std::size_t LinkRegistry::size() const {
  std::shared_lock lock(mutex_);
  return links_.size();
}

Links LinkRegistry::all() const {
  std::shared_lock lock(mutex_);
  return links_;
}

sdk::Status LinkRegistry::save(const Links& links) { return store_.write(file_, serialize_links(links)); }

sdk::Status LinkRegistry::link(const std::string& user, std::int64_t chat, std::string linked_at) {
  Links next;
  {
    std::shared_lock lock(mutex_);
    next = links_;
  }
  Link& entry = next[user];
  entry.chat_id = chat;
  entry.linked_at = std::move(linked_at);
  entry.active = true;
  if (auto status = save(next); !status) return status;
  std::unique_lock lock(mutex_);
  links_ = std::move(next);
  return sdk::Status::success();
}

sdk::Result<std::optional<Link>> LinkRegistry::unlink(std::string_view user) {
  using R = sdk::Result<std::optional<Link>>;
  Links next;
  {
    std::shared_lock lock(mutex_);
    next = links_;
  }
  const auto found = next.find(user);
  if (found == next.end()) return std::optional<Link>{};
  std::optional<Link> removed = found->second;
  next.erase(found);
  if (auto status = save(next); !status) return R::failure(status.message);
  std::unique_lock lock(mutex_);
  links_ = std::move(next);
  return removed;
}

sdk::Result<std::vector<std::string>> LinkRegistry::set_active(std::int64_t chat, bool active) {
  using R = sdk::Result<std::vector<std::string>>;
  Links next;
  {
    std::shared_lock lock(mutex_);
    next = links_;
  }
  std::vector<std::string> changed;
  for (auto& [user, link] : next) {
    if (link.chat_id == chat && link.active != active) {
      link.active = active;
      changed.push_back(user);
    }
  }
  if (changed.empty()) return changed;
  if (auto status = save(next); !status) return R::failure(status.message);
  std::unique_lock lock(mutex_);
  links_ = std::move(next);
  return changed;
}

sdk::Result<std::vector<std::string>> LinkRegistry::migrate(std::int64_t from, std::int64_t to) {
  using R = sdk::Result<std::vector<std::string>>;
  Links next;
  {
    std::shared_lock lock(mutex_);
    next = links_;
  }
  std::vector<std::string> moved;
  for (auto& [user, link] : next) {
    if (link.chat_id == from) {
      link.chat_id = to;
      moved.push_back(user);
    }
  }
  if (moved.empty()) return moved;
  if (auto status = save(next); !status) return R::failure(status.message);
  std::unique_lock lock(mutex_);
  links_ = std::move(next);
  return moved;
}

}  // namespace notifyd::telegram
