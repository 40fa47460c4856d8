#include "link_routes.hpp"

#include <boost/asio/post.hpp>
#include <rapidjson/document.h>

#include "notifyd/sdk/api/account_codecs.hpp"
#include "notifyd/sdk/json.hpp"
#include "notifyd/sdk/utc_time.hpp"

namespace notifyd::telegram {
namespace {

using sdk::HttpResponse;

struct Target {
  std::string user;
  std::optional<HttpResponse> refusal;
};

// The user a request acts for: the caller, or (admins only) the one it names.
Target target_user(const sdk::HttpRequest& request, const rapidjson::Value* body) {
  if (request.caller.user.empty()) return {"", HttpResponse::error(401, "login required")};
  std::string named;
  if (body != nullptr) {
    if (const auto* user = sdk::json_member(*body, "user")) {
      if (!user->IsString()) return {"", HttpResponse::error(400, "user must be a string")};
      named.assign(user->GetString(), user->GetStringLength());
    }
  } else if (const auto param = request.param("user")) {
    named = std::string(*param);
  }
  if (named.empty() || named == request.caller.user) return {request.caller.user, std::nullopt};
  if (named.size() > 64 || !request.caller.may_act_for(named)) {
    return {"", HttpResponse::error(403, "you may only manage your own Telegram link")};
  }
  return {named, std::nullopt};
}

std::optional<HttpResponse> parse_body(const sdk::HttpRequest& request, rapidjson::Document& document) {
  if (request.body.size() > max_link_body_bytes) return HttpResponse::error(413, "request body too large");
  const std::string_view body = request.body.empty() ? std::string_view("{}") : std::string_view(request.body);
  if (!sdk::parse_json(body, document)) return HttpResponse::error(400, "invalid JSON body");
  if (!document.IsObject()) return HttpResponse::error(400, "the body must be a JSON object");
  return std::nullopt;
}

std::string_view trimmed(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

}  // namespace

LinkService::LinkService(LinkRegistry& links, VerificationCodes& codes, VerifyAttempts& attempts, BotState& state,
                         bool enabled, Hooks hooks)
    : links_(links), codes_(codes), attempts_(attempts), state_(state), enabled_(enabled), hooks_(std::move(hooks)) {}

sdk::HttpResponse LinkService::verify(const sdk::HttpRequest& request, std::int64_t now_ms,
                                      VerifyAttempts::Clock::time_point now) {
  if (request.caller.user.empty()) return HttpResponse::error(401, "login required");
  rapidjson::Document body;
  if (auto refusal = parse_body(request, body)) return *refusal;
  auto target = target_user(request, &body);
  if (target.refusal) return *target.refusal;
  std::string code;
  const auto* field = sdk::json_member(body, "code");
  if (field != nullptr && field->IsString()) {
    code = std::string(trimmed({field->GetString(), field->GetStringLength()}));
  } else if (field != nullptr && field->IsUint64()) {
    code = std::to_string(field->GetUint64());
  }
  if (code.empty()) return HttpResponse::error(422, "code is required");
  if (!enabled_) return HttpResponse::error(503, "Telegram is off on this server (no bot token)");
  auto attempt = attempts_.begin(target.user, now);
  if (!attempt) return HttpResponse::error(500, attempt.error());
  if (!attempt.value().slot) {
    const auto wait = attempt.value().retry_in;
    auto response = HttpResponse::error(429, "too many failed verifications; try again later");
    response.headers.emplace_back("Retry-After", std::to_string((wait.count() + 999) / 1000));
    return response;
  }
  const std::uint32_t slot = *attempt.value().slot;
  std::optional<std::int64_t> chat;
  if (is_code_shaped(code)) {
    auto redeemed = codes_.redeem(code, now_ms / 1000);
    if (!redeemed) {
      attempts_.succeeded(target.user, slot);
      return HttpResponse::error(500, "cannot save the pending codes: " + redeemed.error());
    }
    chat = redeemed.value();
  }
  if (!chat) return HttpResponse::error(400, "invalid or expired code");
  // Should the slot not come free, it ages out with the window; the link is made all the same.
  attempts_.succeeded(target.user, slot);
  const std::string linked_at = sdk::format_utc_timestamp(now_ms, sdk::SecondFraction::none);
  if (auto status = links_.link(target.user, *chat, linked_at); !status) {
    return HttpResponse::error(500, "cannot save the link: " + status.message);
  }
  if (hooks_.tell_chat) {
    hooks_.tell_chat(*chat, "This chat is now linked to " + target.user +
                                " on notifyd. Notifications arrive here; /help lists the commands.");
  }
  return HttpResponse::json(200, sdk::api::to_json(sdk::api::TelegramLink{true, linked_at, std::nullopt, ""}));
}

sdk::HttpResponse LinkService::unlink(const sdk::HttpRequest& request) {
  if (request.caller.user.empty()) return HttpResponse::error(401, "login required");
  rapidjson::Document body;
  if (auto refusal = parse_body(request, body)) return *refusal;
  auto target = target_user(request, &body);
  if (target.refusal) return *target.refusal;
  auto removed = links_.unlink(target.user);
  if (!removed) return HttpResponse::error(500, "cannot save the links: " + removed.error());
  if (state_.muted_until.contains(target.user) && hooks_.unmute) hooks_.unmute(target.user);
  if (removed.value() && removed.value()->active && hooks_.tell_chat) {
    hooks_.tell_chat(removed.value()->chat_id, "This chat is no longer linked to " + target.user + ".");
  }
  return HttpResponse::json(200, "{\"status\":\"unlinked\"}");
}

sdk::HttpResponse LinkService::status(const sdk::HttpRequest& request, std::int64_t now_ms) {
  auto target = target_user(request, nullptr);
  if (target.refusal) return *target.refusal;
  const auto link = links_.find(target.user);
  if (!link) return HttpResponse::json(200, sdk::api::to_json(sdk::api::TelegramLink{false, "", false, ""}));
  sdk::api::TelegramLink answer{true, link->linked_at, link->active, ""};
  if (const auto until = state_.mute_end(target.user, now_ms)) {
    answer.muted_until = sdk::format_utc_timestamp(until, sdk::SecondFraction::none);
  }
  return HttpResponse::json(200, sdk::api::to_json(answer));
}

sdk::HttpResponse LinkService::users(const sdk::HttpRequest& request) {
  if (request.caller.user.empty()) return HttpResponse::error(401, "login required");
  if (!request.caller.admin) return HttpResponse::error(403, "only admins may list linked users");
  sdk::api::LinkedUserList list;
  for (const auto& [user, link] : links_.all()) list.users.push_back({user, link.chat_id, link.linked_at, link.active});
  return HttpResponse::json(200, sdk::api::to_json(list));
}

sdk::HttpResponse LinkService::bot(const sdk::HttpRequest& request) const {
  if (request.caller.user.empty()) return HttpResponse::error(401, "login required");
  const bool known = enabled_ && !bot_username_.empty();
  const sdk::api::TelegramBot answer{enabled_, known ? bot_username_ : "", known ? "https://t.me/" + bot_username_ : ""};
  return HttpResponse::json(200, sdk::api::to_json(answer));
}

sdk::Status register_link_routes(sdk::Host& host, LinkService& service) {
  sdk::Host* plugin_host = &host;
  const auto on_strand = [plugin_host](auto handle) {
    return [plugin_host, handle](sdk::HttpRequest request, sdk::Responder respond) {
      boost::asio::post(plugin_host->executor(),
                        [handle, request = std::move(request), respond = std::move(respond)]() mutable {
                          try {
                            respond(handle(request));
                          } catch (const std::exception& e) {
                            respond(HttpResponse::error(500, e.what()));
                          }
                        });
    };
  };
  const std::uint32_t surfaces = sdk::surface_web | sdk::surface_socket;
  const auto add = [&](std::string method, std::string path, sdk::RouteHandler handler) {
    sdk::Route route;
    route.method = std::move(method);
    route.path = std::move(path);
    route.surfaces = surfaces;
    route.handler = std::move(handler);
    return host.routes().add(std::move(route));
  };
  LinkService* target = &service;
  if (auto s = add("POST", "/api/telegram/verify", on_strand([target](const sdk::HttpRequest& r) {
        return target->verify(r, sdk::now_epoch_ms(), VerifyAttempts::Clock::now());
      }));
      !s) {
    return s;
  }
  if (auto s = add("POST", "/api/telegram/unlink",
                   on_strand([target](const sdk::HttpRequest& r) { return target->unlink(r); }));
      !s) {
    return s;
  }
  if (auto s = add("GET", "/api/telegram/status",
                   on_strand([target](const sdk::HttpRequest& r) { return target->status(r, sdk::now_epoch_ms()); }));
      !s) {
    return s;
  }
  if (auto s = add("GET", "/api/telegram/bot", on_strand([target](const sdk::HttpRequest& r) { return target->bot(r); }));
      !s) {
    return s;
  }
  return add("GET", "/api/telegram/users", on_strand([target](const sdk::HttpRequest& r) { return target->users(r); }));
}

}  // namespace notifyd::telegram
