#include "reconnecting_pg_connection.hpp"

#include <boost/asio/post.hpp>

namespace notifyd::core {

std::shared_ptr<ReconnectingPgConnection> ReconnectingPgConnection::create(boost::asio::any_io_executor executor,
                                                                           std::string dsn,
                                                                           std::string application_name,
                                                                           sdk::Logger& log) {
  return std::shared_ptr<ReconnectingPgConnection>(
      new ReconnectingPgConnection(std::move(executor), std::move(dsn), std::move(application_name), log));
}

ReconnectingPgConnection::ReconnectingPgConnection(boost::asio::any_io_executor executor, std::string dsn,
                                                   std::string application_name, sdk::Logger& log)
    : strand_(boost::asio::make_strand(std::move(executor))),
      dsn_(std::move(dsn)),
      application_name_(std::move(application_name)),
      log_(log),
      connection_(PgConnection::create(strand_)),
      pause_(strand_) {}

void ReconnectingPgConnection::listen(std::string channel, std::function<void(std::string payload)> heard) {
  boost::asio::post(strand_, [self = shared_from_this(), channel = std::move(channel), heard = std::move(heard)]() mutable {
    self->listeners_.emplace(std::move(channel), std::move(heard));
  });
}

void ReconnectingPgConnection::on_connected(std::function<void()> connected) {
  boost::asio::post(strand_, [self = shared_from_this(), connected = std::move(connected)]() mutable {
    self->connected_callbacks_.push_back(std::move(connected));
  });
}

void ReconnectingPgConnection::start() {
  std::weak_ptr<ReconnectingPgConnection> weak = shared_from_this();
  connection_->on_events(
      [weak](std::string channel, std::string payload) {
        auto self = weak.lock();
        if (!self || self->stopped_) return;
        auto [first, last] = self->listeners_.equal_range(channel);
        for (auto it = first; it != last; ++it) it->second(payload);
      },
      [weak](std::string why) {
        auto self = weak.lock();
        if (!self || self->stopped_) return;
        self->log_.warn("lost the connection to PostgreSQL (", why, "); connecting again");
        self->connected_ = false;
        self->health_.broken(why);
        self->connect_later();
      });
  boost::asio::post(strand_, [self = shared_from_this()] { self->connect(); });
}

void ReconnectingPgConnection::connect() {
  if (stopped_) return;
  connection_->connect(
      dsn_, connect_timeout,
      // Callbacks queued in the connection hold this object weakly: the
      // connection is this object's, and a cycle would outlive the loop.
      [weak = weak_from_this()](sdk::Status status) {
        auto self = weak.lock();
        if (!self || self->stopped_) return;
        if (!status) {
          if (!self->failing_) self->log_.warn(status.message, "; trying again");
          self->failing_ = true;
          self->health_.broken(status.message);
          self->connect_later();
          return;
        }
        if (self->ever_connected_) {
          self->log_.info("connected to PostgreSQL again");
        } else if (self->failing_) {
          self->log_.info("connected to PostgreSQL");
        }
        self->failing_ = false;
        self->ever_connected_ = true;
        self->connected_ = true;
        self->health_.connected();
        self->next_pause_ = first_pause;
        std::string last_channel;
        for (const auto& [channel, heard] : self->listeners_) {
          if (channel == last_channel) continue;
          last_channel = channel;
          self->connection_->execute("LISTEN \"" + channel + "\"", {}, connect_timeout,
                                     [weak, channel = channel](std::optional<PgError> error, PgRows) {
                                       auto self = weak.lock();
                                       if (self && error && !self->stopped_) {
                                         self->log_.warn("cannot LISTEN on ", channel, ": ", error->message);
                                       }
                                     });
        }
        // Answered after the LISTENs before it.
        self->connection_->execute("SELECT 1", {}, connect_timeout, [weak](std::optional<PgError> error, PgRows) {
          auto self = weak.lock();
          if (!self || error) return;
          {
            std::lock_guard lock(self->listening_mutex_);
            self->listening_ = true;
          }
          self->listening_changed_.notify_all();
        });
        for (const auto& connected : self->connected_callbacks_) connected();
        for (auto& next : std::exchange(self->next_connected_, {})) next();
      },
      application_name_);
}

void ReconnectingPgConnection::connect_later() {
  pause_.expires_after(next_pause_);
  next_pause_ = std::min(next_pause_ * 2, longest_pause);
  pause_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
    if (!ec) self->connect();
  });
}

void ReconnectingPgConnection::stop() {
  boost::asio::post(strand_, [self = shared_from_this()] {
    self->stopped_ = true;
    self->pause_.cancel();
    self->connection_->close();
    self->listeners_.clear();
    self->connected_callbacks_.clear();
    self->next_connected_.clear();
    self->connected_ = false;
  });
}

void ReconnectingPgConnection::when_connected(std::function<void()> next) {
  if (stopped_) return;
  if (connected_) {
    boost::asio::post(strand_, std::move(next));
  } else {
    next_connected_.push_back(std::move(next));
  }
}

bool ReconnectingPgConnection::wait_listening(std::chrono::milliseconds timeout) {
  std::unique_lock lock(listening_mutex_);
  return listening_changed_.wait_for(lock, timeout, [this] { return listening_; });
}

void ReconnectingPgConnection::execute(std::string sql, PgParams params, std::chrono::milliseconds timeout,
                                       PgConnection::Answered done) {
  connection_->execute(std::move(sql), std::move(params), timeout, std::move(done));
}

}  // namespace notifyd::core
