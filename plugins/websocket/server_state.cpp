#include "server_state.hpp"

#include <stdexcept>

#include <boost/asio/post.hpp>

#include "notifyd/sdk/tls_server_context.hpp"
#include "notifyd/sdk/utc_time.hpp"

namespace notifyd::websocket {

ServerState::ServerState(sdk::Host& host, WebSocketSettings settings_in)
    : host(host),
      settings(std::move(settings_in)),
      metrics(host.metrics(), host.instance_name()),
      registry(host.metrics(), host.instance_name(),
               {settings.server.max_connections, settings.max_unauthenticated_per_address, settings.max_connections_per_user}),
      slots(host.coordination().ephemeral(), host.instance_name(), host.coordination().replica(),
            settings.max_connections_per_user),
      frames_sent(metrics.frames_sent),
      frames_dropped(metrics.frames_dropped),
      auth_failures(metrics.auth_failures),
      heartbeat_drops(metrics.heartbeat_drops),
      overflow_drops(metrics.overflow_drops),
      replayed(metrics.replayed),
      ledger_document_("websocket_" + host.instance_name() + "_users.json") {
  if (settings.tls()) {
    auto context = sdk::make_tls_server_context(settings.server.tls_cert, settings.server.tls_key);
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
