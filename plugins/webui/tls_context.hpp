#pragma once
// The TLS server context built from the configured certificate and key.

#include <memory>
#include <string>

#include <boost/asio/ssl/context.hpp>

#include "notifyd/sdk/status.hpp"

namespace notifyd::webui {

/// A TLS 1.2+ server context with `cert_file` (PEM chain) and `key_file`
/// (PEM key); an error names the file that could not be used.
sdk::Result<std::shared_ptr<boost::asio::ssl::context>> make_tls_context(const std::string& cert_file,
                                                                         const std::string& key_file);

}  // namespace notifyd::webui
