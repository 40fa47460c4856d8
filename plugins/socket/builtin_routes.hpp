#pragma once
// The socket front-end's own routes: the seed's send API (`/send`,
// `/send_photo`, `/health`) and the v1 API (`/v1/notify`, `/v1/history`,
// `/v1/health`). Served before the routes other plugins register.

#include <sys/types.h>

#include <string_view>

#include "notifyd/sdk/coordination.hpp"
#include "notifyd/sdk/http.hpp"
#include "notifyd/sdk/notification_service.hpp"
#include "notifyd/sdk/http/peer.hpp"
#include "photo_file.hpp"

namespace notifyd::socket_api {

/// Finds and serves the built-in routes. Shared read-only by every connection;
/// `serve` runs on the connection's strand and answers through the responder,
/// possibly later from a pipeline thread (publish).
class BuiltinRoutes {
 public:
  using Handler = void (BuiltinRoutes::*)(sdk::HttpRequest& request, const sdk::http::PeerCredentials& peer,
                                          sdk::Responder& respond) const;

  /// What `find` answers.
  struct Match {
    Handler handler = nullptr;  ///< the route, or nullptr
    bool path_known = false;    ///< the path is built in, the method is not (→ 405)
    std::string_view allow;     ///< the method the path accepts, for the Allow header
  };

  /// `history_page_bytes`: the byte budget of one `/v1/history` answer;
  /// `coordination` tells `/v1/health` about the replicas.
  BuiltinRoutes(sdk::NotificationService& notifications, const sdk::Coordination& coordination, PhotoPolicy photos,
                std::size_t history_page_bytes);

  /// The built-in route for `method` and `path`.
  Match find(std::string_view method, std::string_view path) const noexcept;

  /// Runs a found route. `peer` is who connected (photos are opened with its credentials).
  /// May throw on allocation failure; the server turns that into a 500.
  void serve(const Match& match, sdk::HttpRequest request, const sdk::http::PeerCredentials& peer, sdk::Responder respond) const;

 private:
  struct Entry {
    std::string_view method;
    std::string_view path;
    Handler handler;
  };
  static const Entry* table(std::size_t& size) noexcept;

  void health(sdk::HttpRequest& request, const sdk::http::PeerCredentials& peer, sdk::Responder& respond) const;
  void send(sdk::HttpRequest& request, const sdk::http::PeerCredentials& peer, sdk::Responder& respond) const;
  void send_photo(sdk::HttpRequest& request, const sdk::http::PeerCredentials& peer, sdk::Responder& respond) const;
  void notify(sdk::HttpRequest& request, const sdk::http::PeerCredentials& peer, sdk::Responder& respond) const;
  void history(sdk::HttpRequest& request, const sdk::http::PeerCredentials& peer, sdk::Responder& respond) const;
  void channel_health(sdk::HttpRequest& request, const sdk::http::PeerCredentials& peer, sdk::Responder& respond) const;

  // Publishes and answers with the mapped outcome once the pipeline has stored it.
  void publish(sdk::PublishRequest request, sdk::Responder& respond) const;

  sdk::NotificationService& notifications_;
  const sdk::Coordination& coordination_;
  PhotoPolicy photos_;
  std::size_t history_page_bytes_;
};

}  // namespace notifyd::socket_api
