#include "link_registry.hpp"

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include "notifyd/sdk/json.hpp"
#include "shared_document.hpp"

namespace notifyd::telegram {

sdk::Result<Links> parse_links(std::string_view text) {
  using R = sdk::Result<Links>;
  rapidjson::Document document;
  if (auto parsed = sdk::parse_json(text, document); !parsed) return R::failure("not valid JSON: " + parsed.message);
  if (!document.IsObject()) return R::failure("not a JSON object of users");
  Links links;
  for (const auto& member : document.GetObject()) {
    const std::string user(member.name.GetString(), member.name.GetStringLength());
    const auto chat = sdk::json_int64(member.value, "chat_id");
    if (user.empty() || !chat || *chat == 0) continue;
    Link link;
    link.chat_id = *chat;
    link.linked_at = sdk::json_string(member.value, "linked_at").value_or("");
    link.active = sdk::json_bool(member.value, "active").value_or(true);
    for (const auto& field : member.value.GetObject()) {
      const std::string name(field.name.GetString(), field.name.GetStringLength());
      if (name != "chat_id" && name != "linked_at" && name != "active") link.other[name] = sdk::json_text(field.value);
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
  auto current = store_.snapshot(file_);
  if (!current) return sdk::Status::failure(current.error());
  Links links;
  if (current.value().content) {
    auto parsed = parse_links(*current.value().content);
    if (!parsed) return sdk::Status::failure(file_ + " is " + parsed.error() + "; fix or remove it");
    links = std::move(parsed).value();
  }
  std::unique_lock lock(mutex_);
  links_ = std::move(links);
  stamp_ = current.value().stamp;
  return sdk::Status::success();
}

void LinkRegistry::refresh() const {
  const auto now = store_.stamp(file_);
  if (!now) return;  // unreadable for a moment: the copy stays
  {
    std::shared_lock lock(mutex_);
    if (now.value() == stamp_) return;
  }
  reread();
}

void LinkRegistry::reread() const {
  auto current = store_.snapshot(file_);
  if (!current) return;
  Links links;
  if (current.value().content) {
    auto parsed = parse_links(*current.value().content);
    if (!parsed) return;
    links = std::move(parsed).value();
  }
  std::unique_lock lock(mutex_);
  links_ = std::move(links);
  stamp_ = current.value().stamp;
}

std::optional<Link> LinkRegistry::find(std::string_view user) const {
  refresh();
  std::shared_lock lock(mutex_);
  const auto found = links_.find(user);
  if (found == links_.end()) return std::nullopt;
  return found->second;
}

std::vector<std::string> LinkRegistry::users_of(std::int64_t chat) const {
  refresh();
  std::shared_lock lock(mutex_);
  std::vector<std::string> users;
  for (const auto& [user, link] : links_) {
    if (link.chat_id == chat) users.push_back(user);
  }
  return users;
}

bool LinkRegistry::reaches(std::string_view user) const {
  refresh();
  std::shared_lock lock(mutex_);
  const auto found = links_.find(user);
  return found != links_.end() && found->second.active;
}

std::size_t LinkRegistry::size() const {
  refresh();
  std::shared_lock lock(mutex_);
  return links_.size();
}

Links LinkRegistry::all() const {
  refresh();
  std::shared_lock lock(mutex_);
  return links_;
}

sdk::Status LinkRegistry::change(const std::function<bool(Links&)>& apply, const sdk::Fence& fence) {
  Links result;
  const SharedChange edit = [&](const std::optional<std::string>& current,
                                bool& corrupt) -> sdk::Result<std::optional<std::string>> {
    using R = sdk::Result<std::optional<std::string>>;
    Links links;
    if (current) {
      auto parsed = parse_links(*current);
      if (!parsed) {
        corrupt = true;
        return R::failure(file_ + " is " + parsed.error() + "; fix or remove it");
      }
      links = std::move(parsed).value();
    }
    const bool changed = apply(links);
    result = links;
    if (!changed) return std::optional<std::string>{};
    return std::optional<std::string>{serialize_links(links)};
  };
  if (fence) {
    // write_if tells no stamp: the copy is read back with its own.
    if (auto saved = update_shared_fenced(store_, file_, edit, fence); !saved) return saved;
    reread();
    return sdk::Status::success();
  }
  auto updated = update_shared(store_, file_, edit);
  if (!updated) return sdk::Status::failure(updated.error());
  std::unique_lock lock(mutex_);
  links_ = std::move(result);
  stamp_ = updated.value().stamp;
  return sdk::Status::success();
}

sdk::Status LinkRegistry::link(const std::string& user, std::int64_t chat, std::string linked_at) {
  return change([&](Links& links) {
    Link& entry = links[user];
    entry.chat_id = chat;
    entry.linked_at = linked_at;
    entry.active = true;
    return true;
  });
}

sdk::Result<std::optional<Link>> LinkRegistry::unlink(std::string_view user) {
  using R = sdk::Result<std::optional<Link>>;
  std::optional<Link> removed;
  auto status = change([&](Links& links) {
    removed.reset();
    const auto found = links.find(user);
    if (found == links.end()) return false;
    removed = found->second;
    links.erase(found);
    return true;
  });
  if (!status) return R::failure(status.message);
  return removed;
}

sdk::Result<std::vector<std::string>> LinkRegistry::set_active(std::int64_t chat, bool active,
                                                              const sdk::Fence& fence) {
  using R = sdk::Result<std::vector<std::string>>;
  std::vector<std::string> changed;
  auto status = change([&](Links& links) {
    changed.clear();
    for (auto& [user, link] : links) {
      if (link.chat_id == chat && link.active != active) {
        link.active = active;
        changed.push_back(user);
      }
    }
    return !changed.empty();
  }, fence);
  if (!status) return R::failure(status.message);
  return changed;
}

sdk::Result<std::vector<std::string>> LinkRegistry::migrate(std::int64_t from, std::int64_t to,
                                                           const sdk::Fence& fence) {
  using R = sdk::Result<std::vector<std::string>>;
  std::vector<std::string> moved;
  auto status = change([&](Links& links) {
    moved.clear();
    for (auto& [user, link] : links) {
      if (link.chat_id == from) {
        link.chat_id = to;
        moved.push_back(user);
      }
    }
    return !moved.empty();
  }, fence);
  if (!status) return R::failure(status.message);
  return moved;
}

}  // namespace notifyd::telegram
