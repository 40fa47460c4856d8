#include "session_store.hpp"

#include <algorithm>
#include <charconv>

#include "notifyd/sdk/epoch_time.hpp"
#include "random_token.hpp"

namespace notifyd::webui {
namespace {

constexpr std::string_view session_purpose = "session";
constexpr std::string_view csrf_purpose = "csrf";
// The counter that numbers the sessions opened, kept as long as any session.
constexpr std::chrono::milliseconds numbering_window = std::chrono::duration_cast<std::chrono::milliseconds>(
    std::chrono::years(1000));

// A session's key holds `<number> <created_ms> <expires_ms> <user>`.
struct Stored {
  std::uint64_t number = 0;
  std::int64_t created_ms = 0;
  std::int64_t expires_ms = 0;
  std::string user;
};

std::string stored_text(const Stored& stored) {
  return std::to_string(stored.number) + " " + std::to_string(stored.created_ms) + " " +
         std::to_string(stored.expires_ms) + " " + stored.user;
}

template <typename Number>
bool read_number(std::string_view& text, Number& number) {
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (error != std::errc() || end == text.data() + text.size() || *end != ' ') return false;
  text.remove_prefix(static_cast<std::size_t>(end - text.data()) + 1);
  return true;
}

std::optional<Stored> parse_stored(std::string_view text) {
  Stored stored;
  if (!read_number(text, stored.number) || !read_number(text, stored.created_ms) ||
      !read_number(text, stored.expires_ms) || text.empty()) {
    return std::nullopt;
  }
  stored.user = std::string(text);
  return stored;
}

}  // namespace

SessionStore::SessionStore(sdk::Ephemeral& keys, std::string instance, std::chrono::milliseconds ttl,
                           std::size_t capacity, WallClock clock)
    : keys_(keys),
      prefix_("webui/" + instance + "/"),
      ttl_(ttl),
      capacity_(capacity == 0 ? 1 : capacity),
      clock_(std::move(clock)) {}

std::chrono::system_clock::time_point SessionStore::now() const {
  return clock_ ? clock_() : std::chrono::system_clock::now();
}

std::string SessionStore::key_of(std::string_view id) const { return key_of_digest(token_digest(id, session_purpose)); }

std::string SessionStore::key_of_digest(std::string_view digest) const {
  return prefix_ + "session/" + std::string(digest);
}

sdk::Result<LoginSession> SessionStore::create(std::string user) {
  using R = sdk::Result<LoginSession>;
  try {
    LoginSession session;
    session.id = random_token();
    session.csrf_token = token_digest(session.id, csrf_purpose);
    session.user = std::move(user);
    session.created = std::chrono::floor<std::chrono::milliseconds>(now());  // as the shared keys hold it
    session.expires = session.created + ttl_;
    const auto number = keys_.count(prefix_ + "sessions-opened", numbering_window);
    if (!number) return R::failure("cannot open a session: " + number.error());
    const Stored stored{number.value(), sdk::epoch_ms_of(session.created), sdk::epoch_ms_of(session.expires),
                        session.user};
    if (auto status = keys_.put(key_of(session.id), stored_text(stored), ttl_); !status) {
      return R::failure("cannot open a session: " + status.message);
    }
    return session;
  } catch (const std::exception& e) {
    return R::failure(std::string("cannot open a session: ") + e.what());
  }
}

sdk::Result<bool> SessionStore::adopt(std::string_view digest, std::string user,
                                      std::chrono::system_clock::time_point created,
                                      std::chrono::system_clock::time_point expires) {
  using R = sdk::Result<bool>;
  try {
    expires = std::min(expires, created + ttl_);
    const auto left = std::chrono::floor<std::chrono::milliseconds>(expires - now());
    if (left.count() <= 0) return false;
    const auto number = keys_.count(prefix_ + "sessions-opened", numbering_window);
    if (!number) return R::failure("cannot keep a session: " + number.error());
    const Stored stored{number.value(), sdk::epoch_ms_of(created), sdk::epoch_ms_of(expires), std::move(user)};
    const auto put = keys_.put_if_absent(key_of_digest(digest), stored_text(stored), left);
    if (!put) return R::failure("cannot keep a session: " + put.error());
    return put.value();
  } catch (const std::exception& e) {
    return R::failure(std::string("cannot keep a session: ") + e.what());
  }
}

sdk::Result<std::optional<LoginSession>> SessionStore::find(std::string_view id) const {
  using R = sdk::Result<std::optional<LoginSession>>;
  if (!looks_like_token(id)) return std::optional<LoginSession>{};
  const auto value = keys_.get(key_of(id));
  if (!value) return R::failure("cannot read the sessions: " + value.error());
  if (!value.value()) return std::optional<LoginSession>{};
  const auto stored = parse_stored(*value.value());
  if (!stored || stored->expires_ms <= sdk::epoch_ms_of(now())) return std::optional<LoginSession>{};
  const auto latest = keys_.count(prefix_ + "sessions-opened", numbering_window, 0);
  if (!latest) return R::failure("cannot read the sessions: " + latest.error());
  if (latest.value() >= stored->number + capacity_) return std::optional<LoginSession>{};
  return std::optional<LoginSession>{LoginSession{std::string(id), stored->user, token_digest(id, csrf_purpose),
                                                  sdk::time_point_of_epoch_ms(stored->created_ms),
                                                  sdk::time_point_of_epoch_ms(stored->expires_ms)}};
}

sdk::Result<bool> SessionStore::remove(std::string_view id) {
  using R = sdk::Result<bool>;
  if (!looks_like_token(id)) return false;
  const auto taken = keys_.take(key_of(id));
  if (!taken) return R::failure("cannot end the session: " + taken.error());
  return taken.value().has_value();
}

}  // namespace notifyd::webui
