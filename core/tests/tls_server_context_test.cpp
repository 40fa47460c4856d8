#include <catch2/catch.hpp>

#include <cstdlib>

#include "notifyd/sdk/tls_server_context.hpp"
#include "notifyd/testing/temp_dir.hpp"

namespace {

// A self-signed certificate and its key, made by the openssl command.
void make_pair(const std::filesystem::path& cert, const std::filesystem::path& key) {
  const std::string command = "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost -keyout '" +
                              key.string() + "' -out '" + cert.string() + "' 2>/dev/null";
  REQUIRE(std::system(command.c_str()) == 0);
}

}  // namespace

TEST_CASE("the TLS server context takes a certificate with its own key only", "[tls]") {
  notifyd::testing::TempDir dir;
  const auto cert = dir.path() / "cert.pem", key = dir.path() / "key.pem";
  const auto other_cert = dir.path() / "other.pem", other_key = dir.path() / "other.key";
  make_pair(cert, key);
  make_pair(other_cert, other_key);

  CHECK(notifyd::sdk::make_tls_server_context(cert.string(), key.string()));
  auto mismatched = notifyd::sdk::make_tls_server_context(cert.string(), other_key.string());
  REQUIRE_FALSE(mismatched);
  // OpenSSL may already refuse it while loading; either way the key file is named.
  CHECK(mismatched.error().rfind("tls_key: ", 0) == 0);
  CHECK_THAT(mismatched.error(), Catch::Contains(other_key.string()));
  auto missing = notifyd::sdk::make_tls_server_context((dir.path() / "none.pem").string(), key.string());
  REQUIRE_FALSE(missing);
  CHECK(missing.error().rfind("tls_cert: cannot use " + (dir.path() / "none.pem").string(), 0) == 0);
}
