#pragma once

#include <string>

#include "api_client.hpp"

namespace notifyctl {

/// "HTTP 200 OK" and the body: pretty-printed when it is JSON, else made printable.
std::string request_text(const ApiResponse& response);

}  // namespace notifyctl
