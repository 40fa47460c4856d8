#pragma once
// The answer to a scrape: the host's metrics in the Prometheus text format.

#include <functional>
#include <string>
#include <string_view>

#include "notifyd/sdk/http.hpp"

namespace notifyd::metrics {

/// The content type of the Prometheus text format.
inline constexpr std::string_view metrics_content_type = "text/plain; version=0.0.4; charset=utf-8";

/// Answers `request`: GET (or HEAD, which the server hands over as GET) of
/// `path` is `render()`; another path is 404, another method 405.
sdk::HttpResponse metrics_page(const sdk::HttpRequest& request, std::string_view path,
                               const std::function<std::string()>& render);

}  // namespace notifyd::metrics
