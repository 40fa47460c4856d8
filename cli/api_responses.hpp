#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace notifyctl {

/// A 2xx body that does not have the expected shape.
struct DecodeError {
  std::string message;
};

/// `POST /v1/notify` accepted: the notification's id and the channels it was routed to.
struct SendReceipt {
  std::optional<std::uint64_t> id;
  std::string user;
  std::vector<std::string> channels;
};

/// One channel's delivery of a notification.
struct DeliveryState {
  std::string channel;
  std::string state;  ///< pending, delivered, failed, expired
  std::optional<std::uint64_t> attempts;
  std::string last_error;
};

struct HistoryNotification {
  std::optional<std::uint64_t> id;
  std::string user;
  std::string title;
  std::string message;
  std::string source;
  std::string created_at;  ///< ISO-8601 as the daemon wrote it
  bool has_image = false;
  std::vector<DeliveryState> deliveries;
};

/// `GET /v1/history`: newest first; `next_before` pages back to older ones.
struct HistoryPage {
  std::vector<HistoryNotification> notifications;
  std::optional<std::uint64_t> next_before;
};

/// Queue depths of one channel; a count the daemon left out is empty.
struct ChannelCounts {
  std::string channel;
  std::optional<std::uint64_t> pending;
  std::optional<std::uint64_t> in_flight;
  std::optional<std::uint64_t> retrying;
  std::optional<std::uint64_t> delivered;
  std::optional<std::uint64_t> failed;
  std::string state;       ///< what the channel says of itself ("ok", "off", "down"); empty = nothing
  std::string last_error;  ///< its problem, else its latest failed delivery's error
  /// The channel's own counts (e.g. the desktop channel's "connections"), in
  /// the order the daemon sent them.
  std::vector<std::pair<std::string, std::uint64_t>> figures;
};

/// `GET /v1/health`.
struct HealthReport {
  std::string status;
  std::vector<ChannelCounts> channels;
};

/// One run of a check, as the daemon records it.
struct CheckRun {
  std::optional<std::uint64_t> id;
  std::string check;
  std::string user;
  std::string trigger;     ///< schedule, manual, ...
  std::string started_at;  ///< ISO-8601 as the daemon wrote it
  std::optional<std::int64_t> duration_ms;
  std::optional<std::int64_t> exit_code;
  std::string outcome;     ///< notified, quiet, cooldown, timeout, bad_output, failed, refused, skipped
  std::string detail;
  std::string stderr_text;
  std::optional<std::uint64_t> notification_id;
};

/// One check with its last run and its next scheduled one.
struct CheckEntry {
  std::string name;
  std::string user;
  std::string schedule;
  std::string origin;
  std::optional<CheckRun> last_run;
  std::string last_sent;  ///< ISO-8601, empty = never
  std::string next_run;   ///< ISO-8601, empty = not scheduled
};

/// `GET /v1/checks`.
struct CheckList {
  std::vector<CheckEntry> checks;
};

/// `POST /v1/checks/<name>/run`.
struct RunReport {
  CheckRun run;
};

/// `GET /v1/checks/<name>/runs`: newest first.
struct RunList {
  std::vector<CheckRun> runs;
};

// Decoders take the body as received and never fail on a missing or mistyped
// field: only a body that is not a JSON object (or lacks the one list that
// makes the answer meaningful) is a DecodeError.
std::variant<SendReceipt, DecodeError> decode_send_receipt(std::string_view body);
std::variant<HistoryPage, DecodeError> decode_history_page(std::string_view body);
std::variant<HealthReport, DecodeError> decode_health_report(std::string_view body);
std::variant<CheckList, DecodeError> decode_check_list(std::string_view body);
std::variant<RunReport, DecodeError> decode_run_report(std::string_view body);
std::variant<RunList, DecodeError> decode_run_list(std::string_view body);

/// Why the daemon refused, for `notifyctl: <this>`: the `error` of a
/// `{"error": "..."}` body (else the body's first line, else the reason
/// phrase), followed by "(HTTP <status>)".
std::string describe_refusal(unsigned status, std::string_view reason, std::string_view body);

/// Pretty-printed JSON, or nothing when `body` is not JSON.
std::optional<std::string> pretty_json(std::string_view body);

}  // namespace notifyctl
