#pragma once

#include <string>
#include <vector>

#include "notifyd/sdk/health_figure.hpp"

namespace notifyd::sdk {

/// What a channel says about itself in the health endpoints (`GET /v1/health`,
/// `notifyctl health` and `notifyctl doctor`).
struct ChannelCondition {
  std::string state;    ///< "ok", "off" (not set up), "down" (its service is unreachable); empty = not reported
  std::string problem;  ///< what is wrong while the state is not "ok", e.g. "getUpdates failed: HTTP 502"
  std::vector<HealthFigure> figures;  ///< counts of its own, e.g. open connections
};

}  // namespace notifyd::sdk
