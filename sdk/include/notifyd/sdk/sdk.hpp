#pragma once
// Everything a plugin or native check needs, in one include.

#include "notifyd/sdk/check_result.hpp"
#include "notifyd/sdk/config.hpp"
#include "notifyd/sdk/delivery.hpp"
#include "notifyd/sdk/document_store.hpp"
#include "notifyd/sdk/duration.hpp"
#include "notifyd/sdk/host.hpp"
#include "notifyd/sdk/http.hpp"
#include "notifyd/sdk/image.hpp"
#include "notifyd/sdk/kind.hpp"
#include "notifyd/sdk/logger.hpp"
#include "notifyd/sdk/metrics.hpp"
#include "notifyd/sdk/notification.hpp"
#include "notifyd/sdk/notification_service.hpp"
#include "notifyd/sdk/plugin.hpp"
#include "notifyd/sdk/plugin_descriptor.hpp"
#include "notifyd/sdk/status.hpp"
