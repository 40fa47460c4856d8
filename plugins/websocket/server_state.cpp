#include "server_state.hpp"

#include <stdexcept>

#include <boost/asio/post.hpp>

#include "notifyd/sdk/tls_server_context.hpp"
#include "notifyd/sdk/utc_time.hpp"

namespace notifyd::websocket {
namespace {

sdk::Counter& counter(sdk::Host& host, std::string_view name, std::string_view help, std::string reason = {}) {
  sdk::MetricLabels labels{{"instance", host.instance_name()}};
  if (!reason.empty()) labels.emplace_back("reason", std::move(reason));
  return host.metrics().counter(name, help, std::move(labels));
}

}  // namespace

ServerState::ServerState(sdk::Host& host, WebSocketSettings settings_in)
    : host(host),
      settings(std::move(settings_in)),
      registry(host.metrics(), host.instance_name(),
               {settings.max_connections, settings.max_unauthenticated_per_address, settings.max_connections_per_user}),
      frames_sent(counter(host, "websocket_frames_sent_total", "Frames written to desktop WebSocket clients")),
      frames_dropped(counter(host, "websocket_frames_dropped_total",
                             "Queued frames discarded because their desktop connection was cut")),
      auth_failures(counter(host, "websocket_auth_failures_total", "Desktop WebSocket authentications refused")),
      heartbeat_drops(counter(host, "websocket_disconnects_total", "Desktop WebSocket clients disconnected by the server",
                              "heartbeat")),
      overflow_drops(counter(host, "websocket_disconnects_total", "Desktop WebSocket clients disconnected by the server",
                             "send_queue_full")),
      replayed(counter(host, "websocket_replayed_total", "Notifications replayed to reconnecting desktop apps")),
      ledger_document_("websocket_" + host.instance_name() + "_users.json") {
  if (settings.tls()) {
    auto context = sdk::make_tls_server_context(settings.tls_cert, settings.tls_key);
    if (!context) throw std::runtime_error(context.error());
    tls = std::move(context).value();
  }
}

void ServerState::remember_token(const std::string& user, std::int64_t expires_at) {
  if (!ledger.record(user, expires_at)) return;
  if (save_pending_.exchange(true)) return;
  boost::asio::post(host.executor(), [self = shared_from_this()] { self->save_ledger(); });
}

void ServerState::save_ledger() {
  save_pending_.store(false);
  const auto status = ledger.save(host.documents(), ledger_document_, sdk::now_epoch_ms() / 1000);
  if (!status) host.log().error("cannot save ", ledger_document_, ": ", status.message);
}

}  // namespace notifyd::websocket
