#pragma once
// The TLS server context of a plugin that serves HTTPS or wss:// itself.
// Header-only: a plugin that includes it links OpenSSL (OpenSSL::SSL).

#include <memory>
#include <string>

#include <boost/asio/ssl/context.hpp>
#include <openssl/ssl.h>

#include "notifyd/sdk/status.hpp"

namespace notifyd::sdk {

/// A TLS 1.2+ server context with `cert_file` (PEM chain) and `key_file`
/// (PEM key), checked to belong together. The error names the file that
/// could not be used. Called by a plugin's `configure()`, on the host's thread.
inline Result<std::shared_ptr<boost::asio::ssl::context>> make_tls_server_context(const std::string& cert_file,
                                                                                 const std::string& key_file) {
  namespace ssl = boost::asio::ssl;
  using Failure = Result<std::shared_ptr<ssl::context>>;
  auto context = std::make_shared<ssl::context>(ssl::context::tls_server);
  context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                       ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::single_dh_use);
  SSL_CTX_set_min_proto_version(context->native_handle(), TLS1_2_VERSION);
  boost::system::error_code error;
  context->use_certificate_chain_file(cert_file, error);
  if (error) return Failure::failure("tls_cert: cannot use " + cert_file + ": " + error.message());
  context->use_private_key_file(key_file, ssl::context::pem, error);
  if (error) return Failure::failure("tls_key: cannot use " + key_file + ": " + error.message());
  if (SSL_CTX_check_private_key(context->native_handle()) != 1) {
    return Failure::failure("tls_key: " + key_file + " does not match the certificate in " + cert_file);
  }
  return context;
}

}  // namespace notifyd::sdk
