// Serves the host's metrics in the Prometheus text format over HTTP.
#include <memory>

#include "metrics_page.hpp"
#include "notifyd/sdk/http/server.hpp"
#include "notifyd/sdk/sdk.hpp"
#include "notifyd/sdk/settings_schema.hpp"
#include "notifyd/sdk/tls_server_context.hpp"

namespace notifyd::metrics {
namespace {

sdk::http::ServerKeys server_keys() {
  sdk::http::ServerKeys keys;
  keys.listen = "127.0.0.1:9464";
  keys.max_connections = 64;
  keys.body_limit = 8 * 1024;
  keys.header_timeout = std::chrono::seconds(5);
  keys.idle_timeout = std::chrono::seconds(30);
  keys.request_timeout = std::chrono::seconds(10);
  keys.answer_timeout = std::chrono::seconds(10);
  return keys;
}

struct MetricsSettings {
  sdk::http::ServerSettings server;
  std::string path;
};

const sdk::SettingsSchema<MetricsSettings>& metrics_settings_schema() {
  static const auto schema = [] {
    sdk::SettingsSchema<MetricsSettings> s("Prometheus metrics over HTTP.");
    s.string("path", "/metrics", "Path of the metrics page")
        .into(&MetricsSettings::path)
        .check("a path starting with '/'", [](const std::string& path) {
          return !path.empty() && path.front() == '/' ? std::string() : "must start with '/'";
        });
    sdk::http::bind_server_keys(s, &MetricsSettings::server, server_keys());
    return s;
  }();
  return schema;
}

// NOTIFYD_PLUGIN's adapter turns what a member throws into the host's results.
class MetricsEndpoint final {
 public:
  explicit MetricsEndpoint(sdk::Host& host) : host_(host) {}

  static void describe(sdk::ConfigSchema& schema) { metrics_settings_schema().describe(schema); }

  sdk::Status configure() {
    auto settings = metrics_settings_schema().read(host_.config());
    if (!settings) return sdk::Status::failure(settings.error());
    auto& server = settings.value().server;
    sdk::http::ServerOptions options;
    if (server.tls()) {
      auto context = sdk::make_tls_server_context(server.tls_cert, server.tls_key);
      if (!context) return sdk::Status::failure(context.error());
      options.tls = context.value();
    }
    options.metrics_prefix = "metrics_endpoint";
    options.description = "the metrics endpoint";
    sdk::Host& host = host_;
    options.handler = [&host, path = settings.value().path](const sdk::http::Peer&, sdk::HttpRequest request,
                                                            sdk::Responder respond) {
      respond(metrics_page(request, path, [&host] { return host.metrics().render(); }));
    };
    path_ = settings.value().path;
    server_ = sdk::http::Server::create(host_, std::move(server), std::move(options));
    return sdk::Status::success();
  }

  sdk::Status start() {
    if (!server_) return sdk::Status::failure("start() before a successful configure()");
    if (auto status = server_->open(); !status) return status;
    server_->run();
    const auto& listen = server_->settings().listen;
    const std::string where =
        listen.is_unix() ? listen.to_string()
                         : (server_->settings().tls() ? "https://" : "http://") +
                               sdk::http::format_host_port(listen.address, server_->local_endpoint().port());
    host_.log().info("serving metrics at ", where, path_);
    return sdk::Status::success();
  }

  void stop(std::function<void()> done) {
    if (!server_) {
      if (done) done();
      return;
    }
    server_->stop(std::move(done));
  }

 private:
  sdk::Host& host_;
  std::string path_;
  std::shared_ptr<sdk::http::Server> server_;
};

}  // namespace
}  // namespace notifyd::metrics

NOTIFYD_PLUGIN(notifyd::metrics::MetricsEndpoint, "metrics", frontend)
