// A closed-loop HTTP/1.1 load generator over a unix socket: N keep-alive
// connections, each sending the next request as soon as the previous answer
// arrives. Prints one line of figures for bench/run_all.sh to read.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

namespace asio = boost::asio;
namespace http = boost::beast::http;
using Clock = std::chrono::steady_clock;

namespace {

struct Options {
  std::string socket_path;
  std::string target = "/v1/notify";
  std::string body = R"({"user":"bench","message":"load test"})";
  int connections = 64;
  int threads = 1;
  double seconds = 10;
  double warmup = 1;
};

struct Stats {
  std::uint64_t ok = 0;
  std::uint64_t errors = 0;
  std::vector<std::uint32_t> latencies_us;
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(asio::io_context& io, const Options& options, Clock::time_point measure_from, Clock::time_point stop_at)
      : socket_(io), options_(options), measure_from_(measure_from), stop_at_(stop_at) {
    request_.method(http::verb::post);
    request_.target(options.target);
    request_.version(11);
    request_.set(http::field::host, "localhost");
    request_.set(http::field::content_type, "application/json");
    request_.body() = options.body;
    request_.prepare_payload();
  }

  void start() {
    boost::system::error_code ec;
    socket_.connect(asio::local::stream_protocol::endpoint(options_.socket_path), ec);
    if (ec) {
      std::cerr << "http_load: cannot connect to " << options_.socket_path << ": " << ec.message() << "\n";
      std::exit(2);
    }
    send();
  }

  Stats stats;

 private:
  void send() {
    if (Clock::now() >= stop_at_) return;
    sent_at_ = Clock::now();
    http::async_write(socket_, request_, [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
      if (ec) return self->fail(ec);
      self->response_ = {};
      http::async_read(self->socket_, self->buffer_, self->response_,
                       [self](boost::system::error_code ec, std::size_t) {
                         if (ec) return self->fail(ec);
                         const auto now = Clock::now();
                         if (self->sent_at_ >= self->measure_from_) {
                           if (self->response_.result_int() / 100 == 2) {
                             ++self->stats.ok;
                             self->stats.latencies_us.push_back(static_cast<std::uint32_t>(
                                 std::chrono::duration_cast<std::chrono::microseconds>(now - self->sent_at_).count()));
                           } else {
                             ++self->stats.errors;
                           }
                         }
                         self->send();
                       });
    });
  }
  void fail(boost::system::error_code ec) {
    ++stats.errors;
    std::cerr << "http_load: connection lost: " << ec.message() << "\n";
  }

  asio::local::stream_protocol::socket socket_;
  const Options& options_;
  Clock::time_point measure_from_, stop_at_, sent_at_;
  http::request<http::string_body> request_;
  http::response<http::string_body> response_;
  boost::beast::flat_buffer buffer_;
};

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string key = argv[i], value = argv[i + 1];
    if (key == "--socket") o.socket_path = value;
    else if (key == "--target") o.target = value;
    else if (key == "--body") o.body = value;
    else if (key == "--connections") o.connections = std::stoi(value);
    else if (key == "--threads") o.threads = std::stoi(value);
    else if (key == "--seconds") o.seconds = std::stod(value);
    else if (key == "--warmup") o.warmup = std::stod(value);
    else {
      std::cerr << "http_load: unknown option " << key << "\n";
      std::exit(64);
    }
  }
  if (o.socket_path.empty()) {
    std::cerr << "usage: http_load --socket PATH [--target /v1/notify] [--body JSON] [--connections 64] "
                 "[--threads 1] [--seconds 10] [--warmup 1]\n";
    std::exit(64);
  }
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  const Options options = parse(argc, argv);
  asio::io_context io(options.threads);
  const auto start = Clock::now();
  const auto measure_from = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(options.warmup));
  const auto stop_at = measure_from + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(options.seconds));
  std::vector<std::shared_ptr<Connection>> connections;
  for (int i = 0; i < options.connections; ++i) {
    connections.push_back(std::make_shared<Connection>(io, options, measure_from, stop_at));
    connections.back()->start();
  }
  std::vector<std::thread> threads;
  for (int i = 1; i < options.threads; ++i) threads.emplace_back([&] { io.run(); });
  io.run();
  for (auto& t : threads) t.join();

  Stats total;
  for (auto& c : connections) {
    total.ok += c->stats.ok;
    total.errors += c->stats.errors;
    total.latencies_us.insert(total.latencies_us.end(), c->stats.latencies_us.begin(), c->stats.latencies_us.end());
  }
  std::sort(total.latencies_us.begin(), total.latencies_us.end());
  const auto percentile = [&](double p) -> double {
    if (total.latencies_us.empty()) return 0;
    return total.latencies_us[std::min(total.latencies_us.size() - 1,
                                       static_cast<std::size_t>(p * static_cast<double>(total.latencies_us.size())))] /
           1000.0;
  };
  std::printf("requests=%llu errors=%llu rps=%.0f p50_ms=%.3f p99_ms=%.3f\n",
              static_cast<unsigned long long>(total.ok), static_cast<unsigned long long>(total.errors),
              static_cast<double>(total.ok) / options.seconds, percentile(0.50), percentile(0.99));
  return total.errors > 0 ? 1 : 0;
}
