// Serves the host's metrics in the Prometheus text format over HTTP.
#include <atomic>
#include <memory>
#include <mutex>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "listen_address.hpp"
#include "notifyd/sdk/sdk.hpp"

namespace notifyd::metrics {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

constexpr std::size_t max_connections = 64;

/// What sessions share with the plugin; outlives the plugin object while a session runs.
struct EndpointState {
  EndpointState(sdk::Host& host, std::string path) : host(host), path(std::move(path)) {}
  sdk::Host& host;
  std::string path;
  std::mutex mutex;
  std::vector<std::weak_ptr<class MetricsSession>> sessions;
  std::function<void()> on_idle;  // set by stop(): called when the last session ends
};

/// One scrape: read a request, answer, close.
class MetricsSession : public std::enable_shared_from_this<MetricsSession> {
 public:
  MetricsSession(tcp::socket&& socket, std::shared_ptr<EndpointState> state)
      : stream_(std::move(socket)), state_(std::move(state)) {}
  ~MetricsSession() {
    std::function<void()> idle;
    {
      std::lock_guard lock(state_->mutex);
      std::erase_if(state_->sessions, [](const auto& weak) { return weak.expired(); });
      if (state_->sessions.empty()) idle = std::exchange(state_->on_idle, nullptr);
    }
    if (idle) idle();
  }

  void run() {
    parser_.header_limit(8 * 1024);
    stream_.expires_after(std::chrono::seconds(5));
    http::async_read(stream_, buffer_, parser_, beast::bind_front_handler(&MetricsSession::on_read, shared_from_this()));
  }

  void close() {
    asio::post(stream_.get_executor(), [self = shared_from_this()] { self->stream_.close(); });
  }

 private:
  void on_read(beast::error_code ec, std::size_t) {
    if (ec) return;
    const auto& request = parser_.get();
    response_.version(11);
    response_.keep_alive(false);
    if (request.method() != http::verb::get && request.method() != http::verb::head) {
      response_.result(http::status::method_not_allowed);
      response_.set(http::field::allow, "GET, HEAD");
    } else if (request.target() != state_->path) {
      response_.result(http::status::not_found);
      response_.body() = "metrics are at " + state_->path + "\n";
    } else {
      response_.result(http::status::ok);
      response_.body() = state_->host.metrics().render();
    }
    response_.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
    if (request.method() == http::verb::head) response_.body().clear();
    response_.prepare_payload();
    http::async_write(stream_, response_, [self = shared_from_this()](beast::error_code, std::size_t) {
      beast::error_code ignored;
      self->stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    });
  }

  beast::tcp_stream stream_;
  std::shared_ptr<EndpointState> state_;
  beast::flat_buffer buffer_{8 * 1024};
  http::request_parser<http::empty_body> parser_;
  http::response<http::string_body> response_;
};

class MetricsEndpoint final : public sdk::Frontend {
 public:
  explicit MetricsEndpoint(sdk::Host& host)
      : host_(host),
        acceptor_(host.executor()),
        state_(std::make_shared<EndpointState>(host, host.config().string("path"))) {}

  static void describe(sdk::ConfigSchema& schema) {
    schema.summary("Prometheus metrics over HTTP.")
        .string("listen", "127.0.0.1:9464", "Address and port to listen on")
        .string("path", "/metrics", "Path of the metrics page");
  }

  sdk::Status configure() noexcept override {
    endpoint_ = parse_listen_address(host_.config().string("listen"));
    if (!endpoint_) {
      return sdk::Status::failure("`listen` must be an address and port such as \"127.0.0.1:9464\", got \"" +
                                  host_.config().string("listen") + "\"");
    }
    if (state_->path.empty() || state_->path.front() != '/') return sdk::Status::failure("`path` must start with '/'");
    return sdk::Status::success();
  }

  sdk::Status start() noexcept override {
    beast::error_code ec;
    acceptor_.open(endpoint_->protocol(), ec);
    if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(*endpoint_, ec);
    if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) return sdk::Status::failure("cannot listen on " + host_.config().string("listen") + ": " + ec.message());
    host_.log().info("serving metrics at http://", host_.config().string("listen"), state_->path);
    accept();
    return sdk::Status::success();
  }

  void stop(std::function<void()> done) noexcept override {
    beast::error_code ignored;
    acceptor_.close(ignored);
    std::vector<std::shared_ptr<MetricsSession>> open;
    {
      std::lock_guard lock(state_->mutex);
      for (auto& weak : state_->sessions) {
        if (auto session = weak.lock()) open.push_back(std::move(session));
      }
      if (open.empty()) {
        state_->sessions.clear();
      } else {
        state_->on_idle = std::move(done);
      }
    }
    if (open.empty()) {
      if (done) done();
      return;
    }
    for (auto& session : open) session->close();
  }

 private:
  void accept() {
    acceptor_.async_accept(asio::make_strand(host_.io_context()), [this](beast::error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
      if (!ec) {
        auto session = std::make_shared<MetricsSession>(std::move(socket), state_);
        bool admitted = false;
        {
          std::lock_guard lock(state_->mutex);
          std::erase_if(state_->sessions, [](const auto& weak) { return weak.expired(); });
          if (state_->sessions.size() < max_connections) {
            state_->sessions.push_back(session);
            admitted = true;
          }
        }
        if (admitted) session->run();
      }
      accept();
    });
  }

  sdk::Host& host_;
  tcp::acceptor acceptor_;
  std::shared_ptr<EndpointState> state_;
  std::optional<tcp::endpoint> endpoint_;
};

}  // namespace
}  // namespace notifyd::metrics

NOTIFYD_PLUGIN(notifyd::metrics::MetricsEndpoint, "metrics", frontend)
