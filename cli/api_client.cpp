#include "api_client.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#ifndef NOTIFYCTL_VERSION
#define NOTIFYCTL_VERSION "unknown"
#endif

namespace notifyctl {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using boost::system::error_code;
using stream_protocol = asio::local::stream_protocol;

std::string connect_hint(const error_code& error) {
  namespace errc = boost::system::errc;
  if (error == errc::permission_denied || error == errc::operation_not_permitted) {
    return "(may your user use this socket? check the socket plugin's mode and the admin group)";
  }
  if (error == errc::filename_too_long) return "(a unix socket path has at most 107 bytes)";
  return "(is notifyd running? set --socket or NOTIFYD_SOCKET)";
}

std::string cannot_connect(const std::string& path, const error_code& error) {
  return "cannot connect to " + path + ": " + error.message() + " " + connect_hint(error);
}

TransportFailure unreachable(std::string message) {
  return {TransportFailure::Kind::unreachable, std::move(message)};
}

TransportFailure bad_response(std::string message) {
  return {TransportFailure::Kind::bad_response, std::move(message)};
}

http::request<http::string_body> build_message(const ApiRequest& request, http::verb method) {
  http::request<http::string_body> message{method, request.target, 11};
  message.set(http::field::host, "localhost");
  message.set(http::field::user_agent, "notifyctl/" NOTIFYCTL_VERSION);
  message.set(http::field::accept, "application/json");
  if (request.json_body) {
    message.set(http::field::content_type, "application/json");
    message.body() = *request.json_body;
  }
  message.keep_alive(false);
  message.prepare_payload();
  return message;
}

// The connect -> write -> read chain of one request; `finished` once any step ends it.
struct Exchange {
  stream_protocol::socket socket;
  http::request<http::string_body> request;
  boost::beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  bool finished = false;
  error_code connect_error;
  error_code write_error;
  error_code read_error;

  Exchange(asio::io_context& io, http::request<http::string_body> message)
      : socket(io), request(std::move(message)) {}

  void start(const stream_protocol::endpoint& endpoint) {
    socket.async_connect(endpoint, [this](error_code error) {
      if (error) {
        connect_error = error;
        finished = true;
        return;
      }
      http::async_write(socket, request, [this](error_code error, std::size_t) {
        write_error = error;
        read_response();
      });
    });
  }

  // Also after a failed write: a daemon that refuses early may close the
  // connection before reading the whole request, yet its answer is readable.
  void read_response() {
    http::async_read(socket, buffer, parser, [this](error_code error, std::size_t) {
      read_error = error;
      finished = true;
    });
  }
};

}  // namespace

ApiClient::ApiClient(std::string socket_path, std::chrono::milliseconds timeout)
    : socket_path_(std::move(socket_path)), timeout_(timeout) {}

std::variant<ApiResponse, TransportFailure> ApiClient::send(const ApiRequest& request) const {
  const http::verb method = http::string_to_verb(request.method);
  if (method == http::verb::unknown) return bad_response("unknown HTTP method " + request.method);

  stream_protocol::endpoint endpoint;
  try {
    endpoint = stream_protocol::endpoint(socket_path_);
  } catch (const boost::system::system_error& error) {
    return unreachable(cannot_connect(socket_path_, error.code()));
  }

  asio::io_context io;
  Exchange exchange(io, build_message(request, method));
  exchange.parser.body_limit(response_body_limit);
  if (method == http::verb::head) exchange.parser.skip(true);
  exchange.start(endpoint);
  io.run_for(timeout_);

  if (!exchange.finished) {
    error_code ignored;
    exchange.socket.close(ignored);
    io.restart();
    io.run();
    return unreachable("no answer from " + socket_path_ + " within " + describe_seconds(timeout_) +
                       " (is notifyd stuck? raise --timeout)");
  }
  if (exchange.connect_error) return unreachable(cannot_connect(socket_path_, exchange.connect_error));
  if (const error_code& error = exchange.read_error) {
    if (error == http::error::body_limit) {
      return bad_response("the daemon's response is larger than 16 MiB");
    }
    if (exchange.write_error) {
      return unreachable("connection to " + socket_path_ + " failed while sending: " + exchange.write_error.message());
    }
    if (error == http::error::end_of_stream) {
      return unreachable("notifyd closed the connection on " + socket_path_ + " without answering");
    }
    if (error.category() == http::make_error_code(http::error::end_of_stream).category()) {
      return bad_response("invalid HTTP response from notifyd: " + error.message());
    }
    return unreachable("connection to " + socket_path_ + " failed: " + error.message());
  }

  http::response<http::string_body> message = exchange.parser.release();
  ApiResponse response;
  response.status = message.result_int();
  response.reason = std::string(message.reason());
  if (response.reason.empty()) response.reason = std::string(http::obsolete_reason(message.result()));
  response.content_type = std::string(message[http::field::content_type]);
  response.body = std::move(message.body());
  return response;
}

std::string describe_seconds(std::chrono::milliseconds duration) {
  const auto milliseconds = duration.count();
  std::string text = std::to_string(milliseconds / 1000);
  if (const auto fraction = milliseconds % 1000; fraction != 0) {
    std::string digits = std::to_string(1000 + fraction).substr(1);
    while (digits.back() == '0') digits.pop_back();
    text += "." + digits;
  }
  return text + " s";
}

}  // namespace notifyctl
