#include "run_requests.hpp"

#include <algorithm>
#include <random>

#include <boost/asio/post.hpp>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "notifyd/sdk/api/check_codecs.hpp"
#include "notifyd/sdk/duration.hpp"
#include "notifyd/sdk/json.hpp"

namespace notifyd::core {
namespace {

// An answer stays this long for an asker that polls late.
constexpr std::chrono::minutes answer_kept{5};
// What a forwarded run may take beyond its check's timeout: the claim, the
// queue on the claimer, the publication and the answer's way back.
constexpr std::chrono::seconds answer_margin{15};

std::string json_object(std::initializer_list<std::pair<const char*, const std::string*>> members) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> out(buffer);
  out.StartObject();
  for (const auto& [name, value] : members) {
    out.Key(name);
    out.String(value->data(), static_cast<rapidjson::SizeType>(value->size()));
  }
  out.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

// `{"run": <RunRecord>}`, or `{"error": "...", "refusal": "<kind>"}`.
std::string answer_text(const RunResult& result) {
  if (!result) {
    const std::string kind(refusal_kind_name(result.refusal().kind));
    return json_object({{"error", &result.refusal().message}, {"refusal", &kind}});
  }
  return "{\"run\":" + sdk::api::to_json(result.value()) + "}";
}

RunResult read_answer(const std::string& text) {
  using Kind = RunRefusal::Kind;
  rapidjson::Document document;
  if (auto parsed = sdk::parse_json(text, document); !parsed) {
    return RunResult::refused(Kind::bad_answer, "unreadable answer: " + parsed.message);
  }
  if (auto error = sdk::json_string(document, "error")) {
    // An answer of a version that names no kind, or one this version does not know, is a failure.
    const auto kind = sdk::json_string(document, "refusal");
    return RunResult::refused(kind ? refusal_kind_named(*kind).value_or(Kind::failed) : Kind::failed, *error);
  }
  const auto* run = sdk::json_member(document, "run");
  if (!run) return RunResult::refused(Kind::bad_answer, "unreadable answer: no run and no error");
  sdk::RunRecord record;
  if (auto read = sdk::api::JsonCodec<sdk::RunRecord>::read(*run, "run", record); !read) {
    return RunResult::refused(Kind::bad_answer, "unreadable answer: " + read.message);
  }
  return record;
}

std::string random_prefix() {
  std::random_device random;
  char text[17];
  std::snprintf(text, sizeof text, "%08x%08x", random(), random());
  return text;
}

}  // namespace

RunRequests::RunRequests(boost::asio::any_io_executor executor, sdk::Coordination& coordination, sdk::Logger& log,
                         RunHere run_here)
    : strand_(boost::asio::make_strand(std::move(executor))),
      coordination_(coordination),
      log_(log),
      run_here_(std::move(run_here)) {}

RunRequests::~RunRequests() {
  requests_heard_.reset();
  answers_heard_.reset();
}

std::chrono::milliseconds RunRequests::claim_window() const noexcept {
  // The live replicas are read every third of the time to live: one that
  // died just now still shows for up to a time to live.
  return std::max<std::chrono::milliseconds>(std::chrono::seconds(2), 2 * coordination_.lease_ttl());
}

std::chrono::milliseconds RunRequests::poll_every() const noexcept {
  return std::clamp<std::chrono::milliseconds>(coordination_.lease_ttl() / 3, std::chrono::milliseconds(100),
                                                std::chrono::seconds(1));
}

std::string RunRequests::request_key(const std::string& group, const std::string& id) const {
  return "check-request/" + group + "/" + id;
}

void RunRequests::start() {
  requests_heard_ = coordination_.bus().listen("check-request/" + coordination_.host_group(), strand_,
                                               [this](std::string id) { on_request(id); });
  answers_heard_ = coordination_.bus().listen("check-answer/" + coordination_.replica(), strand_,
                                              [this](std::string id) {
                                                if (auto found = pending_.find(id); found != pending_.end()) {
                                                  const auto pending = found->second;  // settling erases it
                                                  poll(pending);
                                                }
                                              });
}

void RunRequests::stop() {
  boost::asio::post(strand_, [this] {
    stopping_ = true;
    requests_heard_.reset();
    answers_heard_.reset();
    auto pending = std::exchange(pending_, {});
    for (auto& [id, waiting] : pending) {
      waiting->timer->cancel();
      // Nobody will take the answer: leave no request to be claimed.
      (void)coordination_.ephemeral().remove(request_key(waiting->check.host_group, id));
      waiting->done(RunResult::refused(RunRefusal::Kind::stopping, "notifyd is stopping"));
    }
  });
}

void RunRequests::ask(const std::vector<CataloguedCheck>& offers, std::string trigger, Answer done) {
  using Kind = RunRefusal::Kind;
  const auto view = coordination_.view();
  const auto alive = [&](const std::string& group) {
    return std::ranges::any_of(view.replicas, [&](const sdk::ReplicaView& r) { return !r.self && r.host_group == group; });
  };
  const auto chosen = std::ranges::find_if(offers, [&](const CataloguedCheck& offer) { return alive(offer.host_group); });
  if (chosen == offers.end()) {
    const auto& check = offers.front();
    std::string groups;
    for (const auto& offer : offers) {
      if (offer.host_group != coordination_.host_group()) groups += (groups.empty() ? "\"" : ", \"") + offer.host_group + "\"";
    }
    // Only this replica's group lists it: the listing is older than this replica's checks.
    if (groups.empty()) {
      return done(RunResult::refused(Kind::no_such_check, "no check named \"" + check.name + "\" for " + check.user +
                                                              " in host group \"" + coordination_.host_group() + "\""));
    }
    return done(RunResult::refused(Kind::group_not_running, check.name + " of " + check.user + " runs in host group " +
                                                                groups + ", where no replica is running now"));
  }
  auto pending = std::make_shared<Pending>();
  pending->check = *chosen;
  pending->trigger = std::move(trigger);
  pending->done = std::move(done);
  boost::asio::post(strand_, [this, pending] {
    if (stopping_) return pending->done(RunResult::refused(Kind::stopping, "notifyd is stopping"));
    static const std::string prefix = random_prefix();
    pending->id = prefix + "-" + std::to_string(++next_id_);
    const auto& check = pending->check;
    const auto request = json_object({{"user", &check.user},
                                      {"check", &check.name},
                                      {"trigger", &pending->trigger},
                                      {"asker", &coordination_.replica()}});
    const auto group = check.host_group;
    // It outlives the asker's window, so the asker finds it to take it back.
    const auto kept = claim_window() + answer_margin;
    if (auto put = coordination_.ephemeral().put(request_key(group, pending->id), request, kept); !put) {
      return pending->done(RunResult::refused(
          Kind::unavailable, "cannot ask host group \"" + group + "\" to run " + check.name + ": " + put.message));
    }
    const auto now = std::chrono::steady_clock::now();
    pending->claim_by = now + claim_window();
    pending->answer_by = pending->claim_by + check.timeout + 2 * coordination_.lease_ttl() + answer_margin;
    pending->timer = std::make_unique<boost::asio::steady_timer>(strand_);
    pending_[pending->id] = pending;
    coordination_.bus().ring("check-request/" + group, pending->id);
    arm(pending);
  });
}

void RunRequests::arm(const std::shared_ptr<Pending>& pending) {
  pending->timer->expires_after(poll_every());
  pending->timer->async_wait([this, pending](boost::system::error_code ec) {
    if (!ec && pending_.contains(pending->id)) poll(pending);
  });
}

void RunRequests::settle(const std::shared_ptr<Pending>& pending, RunResult result) {
  pending->timer->cancel();
  pending_.erase(pending->id);
  pending->done(std::move(result));
}

std::optional<RunResult> RunRequests::take_answer(const std::string& id) {
  auto answer = coordination_.ephemeral().take("check-answer/" + id);
  if (!answer) {
    log_.warn("cannot read the answer to run request ", id, ": ", answer.error());
    return std::nullopt;
  }
  if (!answer.value()) return std::nullopt;
  return read_answer(*answer.value());
}

void RunRequests::poll(const std::shared_ptr<Pending>& pending) {
  using Kind = RunRefusal::Kind;
  auto& keys = coordination_.ephemeral();
  const auto& check = pending->check;
  const std::string what = check.name + " of " + check.user;
  const std::string group = "host group \"" + check.host_group + "\"";
  if (auto answer = take_answer(pending->id)) return settle(pending, std::move(*answer));
  const auto now = std::chrono::steady_clock::now();
  if (pending->claimer.empty()) {
    auto request = keys.get(request_key(check.host_group, pending->id));
    if (request && request.value()) {
      if (now < pending->claim_by) {
        coordination_.bus().ring("check-request/" + check.host_group, pending->id);
        return arm(pending);
      }
      // Taking it back is the race with a claimer: whoever takes it decides.
      auto back = keys.take(request_key(check.host_group, pending->id));
      if (back && back.value()) {
        return settle(pending, RunResult::refused(Kind::not_claimed,
                                                  "no replica of " + group + " took the run of " + what + " within " +
                                                      sdk::format_duration(claim_window())));
      }
    }
  }
  auto claim = keys.get("check-claim/" + pending->id);
  if (claim && claim.value()) {
    pending->claimer = *claim.value();
    pending->unaccounted = false;
    if (now < pending->answer_by) return arm(pending);
    (void)keys.remove("check-claim/" + pending->id);
    return settle(pending, RunResult::refused(Kind::no_answer, pending->claimer + " (" + group +
                                                                     ") gave no answer about the run of " + what +
                                                                     " within its timeout and a margin"));
  }
  if (!claim) {
    log_.warn("cannot see who runs request ", pending->id, ": ", claim.error());
    if (now < pending->answer_by) return arm(pending);
    return settle(pending, RunResult::refused(Kind::no_answer, "lost sight of the run of " + what + " in " + group +
                                                                   ": " + claim.error()));
  }
  // The claimer answers before it gives its claim back.
  if (auto answer = take_answer(pending->id)) return settle(pending, std::move(*answer));
  // A claimer between its take and its claim shows nothing for a moment; twice in a row, it is gone.
  if (!pending->claimer.empty() || pending->unaccounted) {
    const std::string who = pending->claimer.empty() ? "the replica of " + group + " that took it"
                                                     : pending->claimer + " (" + group + ")";
    return settle(pending, RunResult::refused(Kind::claimer_stopped,
                                              "the run of " + what + " was taken by " + who +
                                                  ", which stopped before answering; it is not run again"));
  }
  pending->unaccounted = true;
  arm(pending);
}

void RunRequests::on_request(const std::string& id) {
  if (stopping_ || claimed_.contains(id)) return;
  auto& keys = coordination_.ephemeral();
  auto taken = keys.take(request_key(coordination_.host_group(), id));
  if (!taken) {
    log_.warn("cannot claim run request ", id, ": ", taken.error());
    return;
  }
  if (!taken.value()) return;  // another replica claimed it, or the asker gave up
  rapidjson::Document request;
  std::optional<std::string> user, check, trigger, asker;
  if (sdk::parse_json(*taken.value(), request)) {
    user = sdk::json_string(request, "user");
    check = sdk::json_string(request, "check");
    trigger = sdk::json_string(request, "trigger");
    asker = sdk::json_string(request, "asker");
  }
  if (!user || !check || !trigger || !asker) {
    log_.warn("dropped run request ", id, ": not a request: ", *taken.value());
    return;
  }
  if (auto claimed = keys.put("check-claim/" + id, coordination_.replica(), coordination_.lease_ttl()); !claimed) {
    log_.warn("cannot mark run request ", id, " as claimed: ", claimed.message, "; running it anyway");
  }
  auto& entry = claimed_[id];
  entry.asker = *asker;
  entry.renewal = std::make_unique<boost::asio::steady_timer>(strand_);
  renew_claim(id);
  log_.info("running ", *check, " of ", *user, " for ", *asker);
  run_here_(*user, *check, std::move(*trigger), [this, id](RunResult result) {
    boost::asio::post(strand_, [this, id, result = std::move(result)] { answered(id, result); });
  });
}

void RunRequests::renew_claim(const std::string& id) {
  auto found = claimed_.find(id);
  if (found == claimed_.end()) return;
  found->second.renewal->expires_after(std::max(std::chrono::milliseconds(1), coordination_.lease_ttl() / 3));
  found->second.renewal->async_wait([this, id](boost::system::error_code ec) {
    if (ec || !claimed_.contains(id)) return;
    if (auto renewed = coordination_.ephemeral().put("check-claim/" + id, coordination_.replica(),
                                                     coordination_.lease_ttl());
        !renewed) {
      log_.warn("cannot renew the claim of run request ", id, ": ", renewed.message);
    }
    renew_claim(id);
  });
}

void RunRequests::answered(const std::string& id, const RunResult& result) {
  auto found = claimed_.find(id);
  if (found == claimed_.end()) return;
  const std::string asker = found->second.asker;
  found->second.renewal->cancel();
  claimed_.erase(found);
  auto& keys = coordination_.ephemeral();
  if (auto put = keys.put("check-answer/" + id, answer_text(result), answer_kept); !put) {
    log_.warn("cannot answer run request ", id, " of ", asker, ": ", put.message);
  }
  (void)keys.remove("check-claim/" + id);
  coordination_.bus().ring("check-answer/" + asker, id);
}

}  // namespace notifyd::core
