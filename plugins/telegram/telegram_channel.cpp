#include "telegram_channel.hpp"

NOTIFYD_PLUGIN(notifyd::telegram::TelegramChannel, "telegram", channel)
