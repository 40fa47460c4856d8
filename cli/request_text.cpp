#include "request_text.hpp"

#include "answer_text.hpp"
#include "terminal_text.hpp"

namespace notifyctl {

std::string request_text(const ApiResponse& response) {
  std::string text = "HTTP " + std::to_string(response.status);
  if (!response.reason.empty()) text += " " + printable_line(response.reason);
  text += '\n';
  if (response.body.empty()) return text;
  const auto pretty = pretty_json(response.body);
  text += pretty ? *pretty : printable_text(response.body);
  if (text.back() != '\n') text += '\n';
  return text;
}

}  // namespace notifyctl
