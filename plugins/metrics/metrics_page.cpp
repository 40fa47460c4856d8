#include "metrics_page.hpp"

namespace notifyd::metrics {

sdk::HttpResponse metrics_page(const sdk::HttpRequest& request, std::string_view path,
                               const std::function<std::string()>& render) {
  sdk::HttpResponse response{200, std::string(metrics_content_type), {}, {}};
  if (request.method != "GET") {
    response.status = 405;
    response.headers.emplace_back("Allow", "GET, HEAD");
  } else if (request.path != path) {
    response.status = 404;
    response.body = "metrics are at " + std::string(path) + "\n";
  } else {
    response.body = render();
  }
  return response;
}

}  // namespace notifyd::metrics
