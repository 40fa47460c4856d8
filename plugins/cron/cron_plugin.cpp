// The cron trigger's export: the one symbol the host looks for.
#include "cron_trigger.hpp"

NOTIFYD_PLUGIN(notifyd::cron::CronTrigger, "cron", trigger)
