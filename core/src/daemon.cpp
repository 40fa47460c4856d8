#include "daemon.hpp"

#include <unistd.h>

#include <csignal>

#include <boost/asio/post.hpp>

#include "check_routes.hpp"
#include "configure_problems.hpp"
#include "pg_coordination.hpp"
#include "pg_notification_store.hpp"
#include "sqlite_notification_store.hpp"
#include "notifyd/sdk/counted.hpp"
#include "notifyd/sdk/thread_name.hpp"
#include "version.hpp"

namespace notifyd::core {

namespace {

// Queue depths per channel, rendered at each scrape from the pipeline's own counts.
std::string queue_depth_metrics(const Pipeline& pipeline) {
  std::string pending =
      "# HELP notifyd_queue_pending Accepted deliveries not yet delivered, per channel\n"
      "# TYPE notifyd_queue_pending gauge\n";
  std::string in_flight =
      "# HELP notifyd_queue_in_flight Deliveries in progress, per channel\n# TYPE notifyd_queue_in_flight gauge\n";
  std::string retrying =
      "# HELP notifyd_queue_retrying Deliveries waiting for a retry (each holds back its recipient's later ones), per channel\n# TYPE notifyd_queue_retrying gauge\n";
  for (const auto& channel : pipeline.health()) {
    const std::string labels = "{channel=" + sdk::json_quote(channel.channel) + "} ";
    pending += "notifyd_queue_pending" + labels + std::to_string(channel.pending) + "\n";
    in_flight += "notifyd_queue_in_flight" + labels + std::to_string(channel.in_flight) + "\n";
    retrying += "notifyd_queue_retrying" + labels + std::to_string(channel.retrying) + "\n";
  }
  return pending + in_flight + retrying;
}

// The replicas' shared services for `[cluster] backend`: in this process,
// or in PostgreSQL (connected by `assemble`).
std::unique_ptr<sdk::Coordination> make_coordination(const ConfigFile& file, EventLoop& loop, sdk::Logger& log,
                                                     sdk::Metrics& metrics) {
  if (file.cluster.backend == ClusterBackend::postgres) {
    PgCoordinationSettings settings;
    settings.dsn = file.cluster.dsn;
    settings.replica = this_replica_name();
    settings.host_group = file.cluster.host_group.empty() ? this_host_name() : file.cluster.host_group;
    settings.address = file.cluster.address;
    settings.lease_ttl = file.cluster.lease_ttl;
    settings.data_dir = file.daemon.data_dir;
    return std::make_unique<PgCoordination>(loop.get_executor(), std::move(settings), log, &metrics);
  }
  return std::make_unique<LocalCoordination>(file.daemon.data_dir, file.daemon.files, file.cluster.host_group,
                                             file.cluster.lease_ttl, &log, &metrics, file.cluster.address);
}

// How long a clean stop waits for its leases' release to reach the database.
constexpr std::chrono::seconds lease_release_wait{2};

}  // namespace

Daemon::Control::Control(EventLoop& loop)
    : strand(boost::asio::make_strand(loop)),
      signals(strand, SIGINT, SIGTERM, SIGHUP),
      shutdown_deadline(strand),
      watchdog(strand) {}

Daemon::Daemon(PreparedConfig config, LogSink& log_sink, MetricsRegistry& metrics)
    : config_(std::move(config)),
      log_sink_(log_sink),
      log_(log_sink, "notifyd"),
      loop_(static_cast<int>(config_.file.daemon.threads)),
      control_(loop_),
      users_(config_.file.daemon.admin_group),
      cluster_log_(log_sink, "core:cluster"),
      coordination_(make_coordination(config_.file, loop_, cluster_log_, metrics)),
      metrics_(metrics),
      store_log_(log_sink, "core:store"),
      pipeline_log_(log_sink, "core:pipeline"),
      checks_log_(log_sink, "core:checks") {}

std::vector<Daemon::Instance*> Daemon::instances_of(std::initializer_list<sdk::Kind> kinds) {
  std::vector<Instance*> out;
  for (auto kind : kinds) {
    for (auto& instance : instances_) {
      if (instance.host->kind() == kind && !instance.retired) out.push_back(&instance);
    }
  }
  return out;
}

bool Daemon::assemble() {
  const auto& daemon = config_.file.daemon;
  std::error_code ec;
  std::filesystem::create_directories(daemon.data_dir, ec);
  if (ec) {
    log_.error("cannot create data directory ", daemon.data_dir.string(), ": ", ec.message());
    return false;
  }
  if (auto* shared = dynamic_cast<PgCoordination*>(coordination_.get())) {
    if (auto status = shared->open(); !status) {
      log_.error("cannot open the cluster's coordination in PostgreSQL: ", status.message);
      return false;
    }
  }
  if (config_.file.cluster.backend == ClusterBackend::postgres) {
    auto shared_store = std::make_unique<PgNotificationStore>(config_.file.cluster.dsn, daemon.data_dir / "images",
                                                              store_log_, daemon.files);
    shared_store->ring_in_commit();
    if (auto* shared = dynamic_cast<PgCoordination*>(coordination_.get())) {
      shared->show_connections([store = shared_store.get()] { return store->connections(); });
    }
    store_ = std::move(shared_store);
  } else {
    store_ = std::make_unique<SqliteNotificationStore>(daemon.data_dir, store_log_, daemon.files);
  }
  if (auto status = store_->open(); !status) {
    log_.error("cannot open the notification store: ", status.message);
    return false;
  }
  std::optional<StoreDoorbell> doorbell;
  if (config_.file.cluster.backend == ClusterBackend::postgres) doorbell = StoreDoorbell{&coordination_->bus()};
  pipeline_ = std::make_unique<Pipeline>(loop_, *store_, config_.file.pipeline, users_, pipeline_log_, metrics_,
                                         doorbell);
  if (config_.file.cluster.backend != ClusterBackend::postgres) pipeline_->ring_after_commit(coordination_->bus());
  queue_depths_ = metrics_.add_collector([pipeline = pipeline_.get()] { return queue_depth_metrics(*pipeline); });
  checks_ = std::make_unique<CheckRunner>(loop_.get_executor(), *store_, *pipeline_, *coordination_,
                                          config_.file.checks, checks_log_, metrics_);
  checks_->load_history();
  if (auto status = register_check_routes(routes_, *checks_, *pipeline_); !status) {
    log_.error("cannot register the check routes: ", status.message);
    return false;
  }
  services_ = std::make_unique<HostServices>(HostServices{
      loop_, log_sink_, coordination_->documents(), *coordination_, *pipeline_, *checks_, routes_, metrics_, users_,
      sdk::DaemonInfo{daemon.data_dir, daemon.admin_group, std::string(version)}});

  return create_plugins() && create_checks();
}

ConfigErrors Daemon::check_plugins() {
  ConfigErrors errors;
  check_errors_ = &errors;
  const bool assembled = assemble();
  check_errors_ = nullptr;
  if (!assembled && errors.empty()) {
    errors.push_back({config_.file.path.string(), 0, 0,
                      "the plugins could not be set up in a scratch directory; start notifyd with this file to "
                      "see why"});
  }
  return errors;
}

int Daemon::run() {
  const auto& daemon = config_.file.daemon;
  log_.info("notifyd ", version, " starting with ", config_.file.path.string());
  if (!assemble()) return 1;
  pipeline_->start();
  control_.work.emplace(loop_.get_executor());
  wait_for_signals();
  if (!start_plugins()) {
    exit_code_ = 1;
    begin_shutdown("a plugin failed to start");
  } else {
    for (auto& leadership : leaderships_) leadership->start();
    checks_->share();
    log_.info("started ", instances_.size(), " plugins; data in ", daemon.data_dir.string());
    systemd_.notify("READY=1");
    keep_watchdog_fed();
  }

  std::vector<std::thread> threads;
  for (unsigned i = 1; i < daemon.threads; ++i) {
    threads.emplace_back([this, i] {
      sdk::name_this_thread("io-" + std::to_string(i));
      loop_.run();
    });
  }
  loop_.run();
  for (auto& thread : threads) thread.join();
  log_.info("stopped");
  return exit_code_;
}

Daemon::Instance* Daemon::create_instance(const PreparedPlugin& prepared, sdk::Kind kind) {
  const std::string what = std::string(sdk::kind_name(kind)) + " \"" + prepared.name + "\" (" +
                           prepared.library->path.string() + ")";
  auto host = std::make_unique<PluginHost>(prepared.name, kind, prepared.config, *services_);
  auto plugin = create_plugin(prepared.library, *host);
  sdk::Status status = plugin ? plugin.value()->configure() : sdk::Status::failure(plugin.error());
  if (!status) {
    routes_.retire(host->serial());
    if (prepared.optional) {
      log_.warn(what, " is optional and was skipped: ", status.message);
      return nullptr;
    }
    if (!check_errors_) {
      log_.error(what, " refused: ", status.message);
      return nullptr;
    }
    // --check-config: the refusal is a located mistake, and the instance is
    // kept (never started) so every later plugin is configured too.
    const toml::table* table = nullptr;
    if (kind == sdk::Kind::check) {
      for (const auto& spec : config_.file.checks_tables) {
        if (spec.name == prepared.name) table = spec.table;
      }
    } else {
      for (const auto& spec : config_.file.plugins) {
        if (spec.name == prepared.name) table = spec.table;
      }
    }
    static const toml::table empty;
    auto located = locate_configure_problems(config_.file.path.string(), table ? *table : empty,
                                             prepared.library->schema, what, status.message);
    check_errors_->insert(check_errors_->end(), located.begin(), located.end());
    if (!plugin) return nullptr;
  }
  instances_.push_back({prepared, std::move(host), std::move(plugin).value()});
  return &instances_.back();
}

bool Daemon::create_plugins() {
  for (auto& prepared : config_.plugins) {
    auto* instance = create_instance(prepared, prepared.library->descriptor->kind);
    if (!instance) {
      if (prepared.optional) continue;
      return false;
    }
    if (auto* channel = instance->plugin->as_channel()) {
      const auto placement = channel->placement();
      auto outbox = pipeline_->add_channel(prepared.name, *channel, instance->host->executor(), placement);
      if (placement == sdk::Placement::one_replica) {
        leaderships_.push_back(std::make_unique<ChannelLeadership>(*coordination_, prepared.name, *channel,
                                                                   instance->host->executor(), outbox, log_,
                                                                   metrics_));
        pipeline_->show_leadership(prepared.name, leaderships_.back()->leading());
      }
    }
  }
  return true;
}

bool Daemon::create_checks() {
  if (config_.checks.empty()) return true;
  native_checks_ = std::make_unique<NativeCheckProvider>(loop_, config_.file.checks.max_concurrent, checks_log_);
  for (auto& prepared : config_.checks) {
    auto* instance = create_instance({prepared.spec.name, prepared.spec.use, false, prepared.library, prepared.config},
                                     sdk::Kind::check);
    if (!instance) return false;
    native_checks_->add(prepared.spec, *instance->plugin->as_check());
  }
  checks_->add_provider("checks", *native_checks_);
  return true;
}

bool Daemon::start_plugins() {
  using sdk::Kind;
  for (auto* instance : instances_of({Kind::channel, Kind::check, Kind::trigger, Kind::frontend})) {
    if (auto status = instance->plugin->start(); !status) {
      log_.error(sdk::kind_name(instance->host->kind()), ":", instance->prepared.name,
                 " failed to start: ", status.message);
      return false;
    }
  }
  return true;
}

void Daemon::wait_for_signals() {
  control_.signals.async_wait([this](boost::system::error_code ec, int signal) {
    if (ec) return;
    if (signal == SIGHUP) {
      if (!shutting_down_) reload();
      return wait_for_signals();
    }
    if (shutting_down_ && exit_code_ == reload_requested) {
      log_.info(strsignal(signal), " during a reload: stopping instead");
      exit_code_ = 0;
      reloaded_.reset();
      return wait_for_signals();
    }
    if (shutting_down_) {
      log_.warn("second signal (", strsignal(signal), "): exiting now");
      std::_Exit(1);
    }
    begin_shutdown(strsignal(signal));
    wait_for_signals();
  });
}

void Daemon::reload() {
  if (reloading_) {
    reload_again_ = true;  // read the file again once the reload under way is done
    return;
  }
  if (auto status = log_sink_.reopen(); !status) log_.error(status.message);
  log_.info("SIGHUP: reading ", config_.file.path.string());
  ConfigErrors errors;
  auto prepared = prepare_config(config_.file.path, log_sink_, errors);
  if (!prepared || !errors.empty()) {
    for (const auto& error : errors) log_.error(error.to_string());
    log_.error("reload refused: ", sdk::counted(std::max<std::size_t>(errors.size(), 1), "mistake", "mistakes"),
               " in the config; the running config stays in effect");
    return;
  }
  if (!needs_restart(*prepared)) return reload_in_place(std::move(*prepared));
  reloaded_ = std::move(*prepared);
  exit_code_ = reload_requested;
  systemd_.notify("RELOADING=1");
  begin_shutdown("reload");
}

namespace {

bool same_plugin(const PreparedPlugin& a, const PreparedPlugin& b) {
  return a.name == b.name && a.use == b.use && a.optional == b.optional &&
         a.library->path == b.library->path && a.config == b.config;
}

bool same_checks(const std::vector<PreparedCheck>& a, const std::vector<PreparedCheck>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const PreparedCheck& x, const PreparedCheck& y) {
    return x.spec.name == y.spec.name && x.spec.use == y.spec.use && x.spec.schedule == y.spec.schedule &&
           x.spec.notify == y.spec.notify && x.spec.timeout == y.spec.timeout && x.spec.cooldown == y.spec.cooldown &&
           x.library->path == y.library->path && x.config == y.config;
  });
}

bool is_channel(const PreparedPlugin& plugin) { return plugin.library->descriptor->kind == sdk::Kind::channel; }

}  // namespace

bool Daemon::needs_restart(const PreparedConfig& next) const {
  auto running = config_.file.daemon;
  running.log_level = next.file.daemon.log_level;
  running.log_file = next.file.daemon.log_file;
  if (!(running == next.file.daemon) || !(config_.file.pipeline == next.file.pipeline) ||
      !(config_.file.checks == next.file.checks) || !same_checks(config_.checks, next.checks)) {
    return true;
  }
  std::vector<const PreparedPlugin*> before;
  std::vector<const PreparedPlugin*> after;
  for (const auto& plugin : config_.plugins) {
    if (is_channel(plugin)) before.push_back(&plugin);
  }
  for (const auto& plugin : next.plugins) {
    if (is_channel(plugin)) after.push_back(&plugin);
  }
  return !std::equal(before.begin(), before.end(), after.begin(), after.end(),
                     [](const PreparedPlugin* a, const PreparedPlugin* b) { return same_plugin(*a, *b); });
}

void Daemon::reload_in_place(PreparedConfig next) {
  systemd_.notify("RELOADING=1");
  log_sink_.set_level(next.file.daemon.log_level);
  if (next.file.daemon.log_file != config_.file.daemon.log_file) {
    if (auto status = log_sink_.open_file(next.file.daemon.log_file); !status) log_.error(status.message);
  }
  config_.file.daemon.log_level = next.file.daemon.log_level;
  config_.file.daemon.log_file = next.file.daemon.log_file;

  std::vector<Instance*> leaving;
  for (auto* instance : instances_of({sdk::Kind::frontend, sdk::Kind::trigger})) {
    const bool kept = std::any_of(next.plugins.begin(), next.plugins.end(), [&](const PreparedPlugin& plugin) {
      return same_plugin(instance->prepared, plugin);
    });
    if (!kept) leaving.push_back(instance);
  }
  auto arriving = std::make_shared<std::vector<PreparedPlugin>>();
  for (const auto& plugin : next.plugins) {
    const bool running = std::any_of(instances_.begin(), instances_.end(), [&](const Instance& instance) {
      return !instance.retired && same_plugin(instance.prepared, plugin);
    });
    if (!running) arriving->push_back(plugin);
  }
  config_.plugins = std::move(next.plugins);
  if (leaving.empty() && arriving->empty()) {
    log_.info("reload: no plugin changed; all keep running");
    systemd_.notify("READY=1");
    return;
  }
  log_.info("reload: ", leaving.size(), " plugins stop, ", arriving->size(), " start, the others keep running");
  // Retired at once, so that a stop arriving meanwhile does not stop them twice;
  // their routes and check providers go once they have stopped.
  for (auto* instance : leaving) instance->retired = true;
  reloading_ = true;
  stop_group(leaving, [this, leaving, arriving] {
    boost::asio::post(control_.strand, [this, leaving, arriving] {
      reloading_ = false;
      if (shutting_down_) return;
      for (auto* instance : leaving) {
        routes_.retire(instance->host->serial());
        checks_->remove_providers(instance->prepared.name);
      }
      for (const auto& plugin : *arriving) {
        auto* instance = create_instance(plugin, plugin.library->descriptor->kind);
        if (!instance) continue;
        if (auto status = instance->plugin->start(); !status) {
          log_.error(sdk::kind_name(instance->host->kind()), ":", plugin.name, " failed to start: ", status.message,
                     "; it stays off until the next reload");
          instance->retired = true;
          routes_.retire(instance->host->serial());
          checks_->remove_providers(plugin.name);
        }
      }
      log_.info("reload done");
      systemd_.notify("READY=1");
      if (std::exchange(reload_again_, false)) reload();
    });
  });
}

void Daemon::keep_watchdog_fed() {
  const auto interval = systemd_.watchdog_interval();
  if (!interval) return;
  systemd_.notify("WATCHDOG=1");
  control_.watchdog.expires_after(*interval);
  control_.watchdog.async_wait([this](boost::system::error_code ec) {
    if (!ec) keep_watchdog_fed();
  });
}

void Daemon::begin_shutdown(const char* reason) {
  if (shutting_down_) return;
  shutting_down_ = true;
  log_.info("stopping (", reason, ")");
  if (exit_code_ != reload_requested) systemd_.notify("STOPPING=1");
  checks_->stop();
  control_.shutdown_deadline.expires_after(config_.file.daemon.shutdown_timeout);
  control_.shutdown_deadline.async_wait([this](boost::system::error_code ec) {
    if (ec || finished_) return;
    log_.warn("shutdown took longer than ", config_.file.daemon.shutdown_timeout.count(),
              " ms; exiting with work still in flight (undelivered notifications stay queued)");
    finish_shutdown();
  });
  using sdk::Kind;
  // A step that completes after the deadline ended the run does nothing.
  stop_group(instances_of({Kind::frontend, Kind::trigger, Kind::check}), [this] {
    if (finished_) return;
    pipeline_->stop([this] {
      if (finished_) return;
      // The deliveries' results are committed before the leases go: the
      // next leader pages in nothing this replica delivered.
      stop_group(instances_of({Kind::channel}), [this] {
        store_->after_queued_writes(control_.strand, [this] {
          if (finished_) return;
          leaderships_.clear();
          auto* shared = dynamic_cast<PgCoordination*>(coordination_.get());
          if (!shared) return finish_shutdown();
          shared->settle(lease_release_wait, [this] {
            boost::asio::post(control_.strand, [this] { finish_shutdown(); });
          });
        });
      });
    });
  });
}

void Daemon::stop_group(std::vector<Instance*> group, std::function<void()> done) {
  if (group.empty()) {
    done();
    return;
  }
  auto remaining = std::make_shared<std::atomic<std::size_t>>(group.size());
  auto shared_done = std::make_shared<std::function<void()>>(std::move(done));
  for (auto* instance : group) {
    boost::asio::post(instance->host->executor(), [instance, remaining, shared_done] {
      auto once = std::make_shared<std::atomic<bool>>(false);
      instance->plugin->stop([remaining, shared_done, once] {
        if (once->exchange(true)) return;
        if (remaining->fetch_sub(1) == 1) (*shared_done)();
      });
    });
  }
}

void Daemon::finish_shutdown() {
  if (finished_.exchange(true)) return;
  control_.shutdown_deadline.cancel();
  control_.watchdog.cancel();
  control_.signals.cancel();
  control_.work.reset();
  loop_.stop();
}

}  // namespace notifyd::core
