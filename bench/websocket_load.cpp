// Load for the desktop WebSocket channel. Phase 1 opens N authenticated,
// idle connections (users bench0..benchU-1, round robin) and reports the
// daemon's RSS per connection above its idle baseline. Phase 2 posts
// notifications for those users through the unix-socket API (POST /v1/notify)
// at a given rate and measures, per frame, the time from the request being
// written to the frame arriving (end to end: socket API in, frame out), and
// the CPU time the daemon and this client spent per frame.
// Prints `key=value` figures for bench/websocket.sh to read.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include <sys/resource.h>
#include <unistd.h>

#include "jwt.hpp"
#include "notifyd/sdk/utc_time.hpp"

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ws = beast::websocket;
using Clock = std::chrono::steady_clock;

namespace {

// `--port`, `--socket` and `--daemon-pid` may each be given once per replica:
// apps take the ports in turn, senders the sockets, and the daemons' memory and
// CPU are summed.
struct Options {
  std::vector<int> ports;
  std::vector<std::string> socket_paths;
  std::string secret;
  std::vector<int> daemon_pids;
  int connections = 10000;
  int users = 1000;
  int opening = 256;    // handshakes in progress at once
  int senders = 64;     // HTTP keep-alive connections posting notifications
  double rate = 5000;   // notifications per second; 0 = as fast as the senders go
  double seconds = 10;
};

long rss_kib(int pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
  }
  return -1;
}

// CPU seconds (user + system) a process has used so far.
double cpu_seconds(int pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  std::getline(stat, line);
  const auto after_name = line.rfind(')');
  if (after_name == std::string::npos) return -1;
  std::istringstream fields(line.substr(after_name + 2));
  std::string field;
  unsigned long long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i) {  // fields 14 and 15 of proc_pid_stat(5)
    if (i == 14) utime = std::stoull(field);
    if (i == 15) stime = std::stoull(field);
  }
  return static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

long rss_kib(const std::vector<int>& pids) {
  long total = 0;
  for (const int pid : pids) total += rss_kib(pid);
  return total;
}

double cpu_seconds(const std::vector<int>& pids) {
  double total = 0;
  for (const int pid : pids) total += cpu_seconds(pid);
  return total;
}

double own_cpu_seconds() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  const auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

struct Shared {
  const Options& options;
  std::vector<std::string> tokens;
  int authenticated = 0;
  int failed = 0;
  int opened = 0;
  // Phase 2: the write time of each notification, by its sequence number.
  std::vector<Clock::time_point> sent_at;
  std::vector<std::uint32_t> latencies_us;  // request written → frame read
  std::vector<std::uint32_t> accept_us;     // request written → 200 read (durably stored)
  std::uint64_t frames = 0;
  Clock::time_point first_frame{}, last_frame{};
  bool measuring = false;
};

// One desktop app connection: connect, upgrade, auth, then read forever,
// answering the heartbeat and timing notification frames.
class DesktopClient : public std::enable_shared_from_this<DesktopClient> {
 public:
  DesktopClient(asio::io_context& io, Shared& shared, int index) : ws_(io), shared_(shared), index_(index) {}

  void start(std::function<void()> on_ready) {
    on_ready_ = std::move(on_ready);
    const asio::ip::tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"),
                                           static_cast<unsigned short>(shared_.options.ports[static_cast<std::size_t>(index_) %
                                                                                             shared_.options.ports.size()]));
    ws_.next_layer().async_connect(endpoint, [self = shared_from_this()](beast::error_code ec) {
      if (ec) return self->failed("connect", ec);
      self->ws_.next_layer().set_option(asio::ip::tcp::no_delay(true));
      self->ws_.async_handshake("127.0.0.1", "/", [self](beast::error_code ec) {
        if (ec) return self->failed("handshake", ec);
        self->auth_ = R"({"type":"auth","token":")" + self->shared_.tokens[self->index_ % self->shared_.options.users] +
                      "\"}";
        self->ws_.async_write(asio::buffer(self->auth_), [self](beast::error_code ec, std::size_t) {
          if (ec) return self->failed("auth", ec);
          self->read();
        });
      });
    });
  }

 private:
  void read() {
    ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    if (ec) {
      if (!ready_) return failed("auth reply", ec);
      std::cerr << "websocket_load: connection " << index_ << " ended: " << ec.message() << "\n";
      return;
    }
    const auto now = Clock::now();
    const auto data = buffer_.cdata();
    const std::string_view text(static_cast<const char*>(data.data()), data.size());
    if (!ready_) {
      if (text.find("\"auth_ok\"") == std::string_view::npos) {
        std::cerr << "websocket_load: auth refused: " << text << "\n";
        ++shared_.failed;
      } else {
        ready_ = true;
        ++shared_.authenticated;
      }
      auto done = std::move(on_ready_);
      if (done) done();
    } else if (text.find("\"notification\"") != std::string_view::npos) {
      on_notification(text, now);
    } else if (text == R"({"type":"ping"})") {
      pong_ = R"({"type":"pong"})";
      ws_.async_write(asio::buffer(pong_), [](beast::error_code, std::size_t) {});
    }
    buffer_.consume(buffer_.size());
    read();
  }

  void on_notification(std::string_view text, Clock::time_point now) {
    const auto at = text.find("\"message\":\"");
    if (at == std::string_view::npos) return;
    const std::size_t seq = std::strtoull(text.data() + at + 11, nullptr, 10);
    if (!shared_.measuring || seq >= shared_.sent_at.size()) return;
    if (shared_.frames++ == 0) shared_.first_frame = now;
    shared_.last_frame = now;
    const auto latency = std::chrono::duration_cast<std::chrono::microseconds>(now - shared_.sent_at[seq]);
    shared_.latencies_us.push_back(static_cast<std::uint32_t>(std::max<std::int64_t>(latency.count(), 0)));
  }

  void failed(const char* what, beast::error_code ec) {
    std::cerr << "websocket_load: " << what << ": " << ec.message() << "\n";
    ++shared_.failed;
    auto done = std::move(on_ready_);
    if (done) done();
  }

  ws::stream<asio::ip::tcp::socket> ws_;
  beast::flat_buffer buffer_;
  Shared& shared_;
  int index_;
  bool ready_ = false;
  std::string auth_, pong_;
  std::function<void()> on_ready_;
};

// One keep-alive HTTP connection to the socket API posting notifications on a schedule.
class Sender : public std::enable_shared_from_this<Sender> {
 public:
  Sender(asio::io_context& io, Shared& shared, std::atomic<std::size_t>& next_seq, Clock::time_point start,
         Clock::time_point stop, double interval_s)
      : socket_(io), timer_(io), shared_(shared), next_seq_(next_seq), start_(start), stop_(stop), interval_s_(interval_s) {}

  void start(int offset) {
    const auto& paths = shared_.options.socket_paths;
    socket_.connect(asio::local::stream_protocol::endpoint(paths[static_cast<std::size_t>(offset) % paths.size()]));
    due_ = start_ + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(interval_s_ * offset /
                                                                                              shared_.options.senders));
    schedule();
  }

  std::uint64_t errors = 0;

 private:
  void schedule() {
    if (due_ >= stop_) return;
    timer_.expires_at(due_);
    timer_.async_wait([self = shared_from_this()](beast::error_code) { self->send(); });
  }

  void send() {
    if (Clock::now() >= stop_) return;  // counted as sent only within the window
    const std::size_t seq = next_seq_++;
    if (seq >= shared_.sent_at.size()) return;
    const int user = static_cast<int>(seq % static_cast<std::size_t>(shared_.options.users));
    request_ = {};
    request_.method(http::verb::post);
    request_.target("/v1/notify");
    request_.version(11);
    request_.set(http::field::host, "localhost");
    request_.set(http::field::content_type, "application/json");
    request_.body() = R"({"user":"bench)" + std::to_string(user) + R"(","title":"load","message":")" +
                      std::to_string(seq) + R"(","source":"bench"})";
    request_.prepare_payload();
    sent_ = shared_.sent_at[seq] = Clock::now();
    http::async_write(socket_, request_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return self->fail(ec);
      self->response_ = {};
      http::async_read(self->socket_, self->buffer_, self->response_, [self](beast::error_code ec, std::size_t) {
        if (ec) return self->fail(ec);
        if (self->response_.result() != http::status::ok) ++self->errors;
        const auto waited = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - self->sent_);
        self->shared_.accept_us.push_back(static_cast<std::uint32_t>(waited.count()));
        self->next();
      });
    });
  }

  void next() {
    if (interval_s_ <= 0) {
      if (Clock::now() < stop_) send();
      return;
    }
    due_ += std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(interval_s_));
    const auto now = Clock::now();
    if (due_ < now) due_ = now;  // behind schedule: send at once
    schedule();
  }

  void fail(beast::error_code ec) {
    std::cerr << "websocket_load: sender: " << ec.message() << "\n";
    ++errors;
  }

  asio::local::stream_protocol::socket socket_;
  asio::steady_timer timer_;
  Shared& shared_;
  std::atomic<std::size_t>& next_seq_;
  Clock::time_point start_, stop_, due_, sent_;
  double interval_s_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> request_;
  http::response<http::string_body> response_;
};

double percentile(std::vector<std::uint32_t>& values, double p) {
  if (values.empty()) return 0;
  const auto k = static_cast<std::size_t>(p * static_cast<double>(values.size() - 1));
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(k), values.end());
  return values[k] / 1000.0;
}

void run_until(asio::io_context& io, const std::function<bool()>& done, std::chrono::seconds limit) {
  const auto deadline = Clock::now() + limit;
  while (!done() && Clock::now() < deadline) io.run_for(std::chrono::milliseconds(20));
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string key = argv[i];
    const std::string value = argv[i + 1];
    if (key == "--port") o.ports.push_back(std::stoi(value));
    else if (key == "--socket") o.socket_paths.push_back(value);
    else if (key == "--secret-file") {
      std::ifstream in(value);
      std::getline(in, o.secret);
    } else if (key == "--daemon-pid") o.daemon_pids.push_back(std::stoi(value));
    else if (key == "--connections") o.connections = std::stoi(value);
    else if (key == "--users") o.users = std::stoi(value);
    else if (key == "--senders") o.senders = std::stoi(value);
    else if (key == "--rate") o.rate = std::stod(value);
    else if (key == "--seconds") o.seconds = std::stod(value);
    else {
      std::cerr << "websocket_load: unknown option " << key << "\n";
      std::exit(64);
    }
  }
  if (o.ports.empty() || o.socket_paths.empty() || o.secret.empty() || o.daemon_pids.empty()) {
    std::cerr << "usage: websocket_load --port P --socket PATH --secret-file F --daemon-pid PID [--connections N] "
                 "[--users U] [--senders S] [--rate R] [--seconds T]\n"
                 "  (--port, --socket and --daemon-pid once per replica)\n";
    std::exit(64);
  }
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  const Options options = parse(argc, argv);
  asio::io_context io;
  Shared shared{options, {}, 0, 0, 0, {}, {}, {}, 0, {}, {}, false};
  const std::int64_t now_s = notifyd::sdk::now_epoch_ms() / 1000;
  for (int u = 0; u < options.users; ++u) {
    shared.tokens.push_back(notifyd::websocket::issue_jwt("bench" + std::to_string(u), now_s, now_s + 3600, options.secret));
  }

  // Phase 1: idle connections.
  const long baseline = rss_kib(options.daemon_pids);
  std::vector<std::shared_ptr<DesktopClient>> clients;
  clients.reserve(static_cast<std::size_t>(options.connections));
  const auto open_started = Clock::now();
  std::function<void()> open_next = [&] {
    if (shared.opened >= options.connections) return;
    auto client = std::make_shared<DesktopClient>(io, shared, shared.opened++);
    clients.push_back(client);
    client->start([&] { open_next(); });
  };
  for (int i = 0; i < options.opening; ++i) open_next();
  run_until(io, [&] { return shared.authenticated + shared.failed >= options.connections; }, std::chrono::seconds(120));
  const double open_s = std::chrono::duration<double>(Clock::now() - open_started).count();
  run_until(io, [] { return false; }, std::chrono::seconds(2));  // let the daemon settle
  const long loaded = rss_kib(options.daemon_pids);
  std::printf("connections=%d failed=%d open_s=%.2f rss_idle_kib=%ld rss_connected_kib=%ld per_connection_bytes=%.0f\n",
              shared.authenticated, shared.failed, open_s, baseline, loaded,
              shared.authenticated > 0 ? (loaded - baseline) * 1024.0 / shared.authenticated : 0.0);
  std::fflush(stdout);
  if (shared.authenticated == 0) return 1;

  // Phase 2: notifications through the socket API.
  const std::size_t planned = options.rate > 0 ? static_cast<std::size_t>(options.rate * options.seconds) : 1'000'000;
  shared.sent_at.resize(planned);
  shared.latencies_us.reserve(std::min<std::size_t>(planned * 10, 50'000'000));
  shared.measuring = true;
  const double daemon_cpu_before = cpu_seconds(options.daemon_pids);
  const double own_cpu_before = own_cpu_seconds();
  std::atomic<std::size_t> next_seq{0};
  const auto start = Clock::now() + std::chrono::milliseconds(50);
  const auto stop = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(options.seconds));
  const double interval = options.rate > 0 ? options.senders / options.rate : 0;
  std::vector<std::shared_ptr<Sender>> senders;
  for (int i = 0; i < options.senders; ++i) {
    senders.push_back(std::make_shared<Sender>(io, shared, next_seq, start, stop, interval));
    senders.back()->start(i);
  }
  while (Clock::now() < stop) io.run_for(std::chrono::milliseconds(20));
  const std::size_t sent = std::min(next_seq.load(), planned);
  const int per_user = options.connections / options.users;
  const std::uint64_t expected = static_cast<std::uint64_t>(sent) * static_cast<std::uint64_t>(per_user);
  run_until(io, [&] { return shared.frames >= expected; }, std::chrono::seconds(30));
  const double per_frame_us = shared.frames > 0 ? 1e6 / static_cast<double>(shared.frames) : 0;
  const double daemon_cpu_us = (cpu_seconds(options.daemon_pids) - daemon_cpu_before) * per_frame_us;
  const double own_cpu_us = (own_cpu_seconds() - own_cpu_before) * per_frame_us;
  std::uint64_t errors = 0;
  for (const auto& sender : senders) errors += sender->errors;
  const double span = std::chrono::duration<double>(shared.last_frame - start).count();
  const double fps = span > 0 ? static_cast<double>(shared.frames) / span : 0;
  std::printf("notifications=%zu send_errors=%llu frames_expected=%llu frames=%llu frames_per_s=%.0f "
              "p50_ms=%.2f p99_ms=%.2f max_ms=%.2f accept_p50_ms=%.2f accept_p99_ms=%.2f "
              "daemon_cpu_us_per_frame=%.1f client_cpu_us_per_frame=%.1f\n",
              sent, static_cast<unsigned long long>(errors), static_cast<unsigned long long>(expected),
              static_cast<unsigned long long>(shared.frames), fps, percentile(shared.latencies_us, 0.50),
              percentile(shared.latencies_us, 0.99), percentile(shared.latencies_us, 1.0),
              percentile(shared.accept_us, 0.50), percentile(shared.accept_us, 0.99), daemon_cpu_us, own_cpu_us);
  return 0;
}
