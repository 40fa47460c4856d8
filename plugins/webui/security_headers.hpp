#pragma once
// Headers every dashboard response carries.

#include "notifyd/sdk/http.hpp"

namespace notifyd::webui {

/// The Content-Security-Policy of every response: scripts, styles and images
/// from the dashboard itself only, no inline script, no framing.
inline constexpr const char* content_security_policy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// Adds CSP, nosniff, framing, referrer and isolation headers, `Cache-Control: no-store`
/// unless the response set its own, and HSTS when `tls`. The referrer policy is
/// `same-origin` (not `no-referrer`, under which browsers send `Origin: null`
/// with form posts, which the same-origin check has to refuse). A response
/// that carries them already (it has the dashboard's Content-Security-Policy)
/// is left as it is, so the server may add them to every answer it writes.
void add_security_headers(sdk::HttpResponse& response, bool tls);

}  // namespace notifyd::webui
