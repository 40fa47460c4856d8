#pragma once
// The daemon's answers notifyctl reads, as the SDK's API codecs decode them
// (notifyd/sdk/api/), named in notifyctl's namespace.

#include "notifyd/sdk/api/account_codecs.hpp"
#include "notifyd/sdk/api/check_codecs.hpp"
#include "notifyd/sdk/api/history_codecs.hpp"
#include "notifyd/sdk/api/token_codecs.hpp"

namespace notifyctl {

using notifyd::sdk::api::ApiTokenInfo;
using notifyd::sdk::api::ApiTokenList;
using notifyd::sdk::api::CheckList;
using notifyd::sdk::api::DesktopToken;
using notifyd::sdk::api::HealthReport;
using notifyd::sdk::api::HistoryPage;
using notifyd::sdk::api::IssuedApiToken;
using notifyd::sdk::api::LinkedUser;
using notifyd::sdk::api::LinkedUserList;
using notifyd::sdk::api::LoginLink;
using notifyd::sdk::api::RunList;
using notifyd::sdk::api::RunReport;
using notifyd::sdk::api::TelegramBot;
using notifyd::sdk::api::TelegramLink;

}  // namespace notifyctl
