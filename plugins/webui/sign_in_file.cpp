#include "sign_in_file.hpp"

#include <rapidjson/document.h>

#include "notifyd/sdk/json.hpp"

namespace notifyd::webui {
namespace {

constexpr int format_version = 1;

std::string member_json(const rapidjson::Value& object, std::string_view name) {
  const auto* member = sdk::json_member(object, name);
  return member && member->IsArray() ? sdk::json_text(*member) : "[]";
}

}  // namespace

SignInFile::SignInFile(sdk::DocumentStore& documents, const std::string& instance, sdk::Logger& log)
    : documents_(documents), name_("webui/" + instance + ".json"), log_(log) {}

void SignInFile::load(SessionStore& sessions, LoginLinks& links) {
  auto content = documents_.read(name_);
  if (!content) {
    log_.error("cannot read the saved sign-ins (", content.error(), "); everyone signs in again");
    return;
  }
  if (!content.value()) return;
  rapidjson::Document document;
  if (!sdk::parse_json(*content.value(), document) || !document.IsObject()) {
    log_.error(name_, " in the data directory is not a sign-in file; everyone signs in again");
    return;
  }
  const std::size_t restored_sessions = sessions.restore(member_json(document, "sessions"));
  const std::size_t restored_links = links.restore(member_json(document, "login_links"));
  if (restored_sessions + restored_links > 0) {
    log_.info("restored ", restored_sessions, " session(s) and ", restored_links, " login link(s)");
  }
}

void SignInFile::save(const SessionStore& sessions, const LoginLinks& links) {
  const std::string content = "{\"version\":" + std::to_string(format_version) +
                              ",\n\"sessions\":" + sessions.to_json() + ",\n\"login_links\":" + links.to_json() + "}\n";
  if (auto status = documents_.write(name_, content); !status) {
    log_.error("cannot save the sign-ins: ", status.message);
  }
}

}  // namespace notifyd::webui
