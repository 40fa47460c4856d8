#include "daemon.hpp"

#include <unistd.h>

#include <csignal>

#include <boost/asio/post.hpp>

#include "check_routes.hpp"
#include "configure_problems.hpp"
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
      "# HELP notifyd_queue_retrying Deliveries waiting for a retry, per channel\n# TYPE notifyd_queue_retrying gauge\n";
  for (const auto& channel : pipeline.health()) {
    const std::string labels = "{channel=" + sdk::json_quote(channel.channel) + "} ";
    pending += "notifyd_queue_pending" + labels + std::to_string(channel.pending) + "\n";
    in_flight += "notifyd_queue_in_flight" + labels + std::to_string(channel.in_flight) + "\n";
    retrying += "notifyd_queue_retrying" + labels + std::to_string(channel.retrying) + "\n";
  }
  return pending + in_flight + retrying;
}

}  // namespace

Daemon::EventLoop::EventLoop(unsigned threads)
    : io(static_cast<int>(threads)),
      control(boost::asio::make_strand(io)),
      signals(control, SIGINT, SIGTERM, SIGHUP),
      shutdown_deadline(control),
      watchdog(control) {}

Daemon::Daemon(PreparedConfig config, LogSink& log_sink)
    : config_(std::move(config)),
      log_sink_(log_sink),
      log_(log_sink, "notifyd"),
      loop_(std::make_unique<EventLoop>(config_.file.daemon.threads)),
      users_(config_.file.daemon.admin_group),
      documents_(config_.file.daemon.data_dir),
      store_log_(log_sink, "core:store"),
      pipeline_log_(log_sink, "core:pipeline"),
      checks_log_(log_sink, "core:checks") {}

Daemon::~Daemon() {
  // Plugin objects go first, while the io_context (which their I/O objects
  // need) and their libraries are still there; then the pipeline and the
  // hosts, whose strands must go before the io_context; then the io_context,
  // destroying any handler still queued; the store closes after that, and the
  // libraries unload last, with `config_`. Route handlers (plugin code that
  // may hold executors) go with the plugins.
  if (native_checks_) native_checks_->join();
  for (auto& instance : instances_) instance.plugin.reset();
  native_checks_.reset();
  checks_.reset();
  pipeline_.reset();
  routes_.clear();
  instances_.clear();
  services_.reset();
  loop_.reset();
  if (store_) store_->close();
}

std::vector<Daemon::Instance*> Daemon::instances_of(std::initializer_list<sdk::Kind> kinds) {
  std::vector<Instance*> out;
  for (auto kind : kinds) {
    for (auto& instance : instances_) {
      if (instance.host->kind() == kind) out.push_back(&instance);
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
  store_ = std::make_unique<NotificationStore>(daemon.data_dir, store_log_);
  if (auto status = store_->open(); !status) {
    log_.error("cannot open the notification store: ", status.message);
    return false;
  }
  auto& io = loop_->io;
  pipeline_ = std::make_unique<Pipeline>(io, *store_, config_.file.pipeline, pipeline_log_, metrics_);
  metrics_.add_collector([pipeline = pipeline_.get()] { return queue_depth_metrics(*pipeline); });
  checks_ = std::make_unique<CheckRunner>(*store_, *pipeline_, documents_, config_.file.checks, checks_log_, metrics_);
  checks_->load_history();
  if (auto status = register_check_routes(routes_, *checks_, *pipeline_); !status) {
    log_.error("cannot register the check routes: ", status.message);
    return false;
  }
  services_ = std::make_unique<HostServices>(HostServices{
      io, log_sink_, documents_, *pipeline_, *checks_, routes_, metrics_, users_,
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
  auto& io = loop_->io;
  pipeline_->start();
  loop_->work.emplace(io.get_executor());
  wait_for_signals();
  if (!start_plugins()) {
    exit_code_ = 1;
    begin_shutdown("a plugin failed to start");
  } else {
    log_.info("started ", instances_.size(), " plugins; data in ", daemon.data_dir.string());
    systemd_.notify("READY=1");
    keep_watchdog_fed();
  }

  std::vector<std::thread> threads;
  for (unsigned i = 1; i < daemon.threads; ++i) threads.emplace_back([&io] { io.run(); });
  io.run();
  for (auto& thread : threads) thread.join();
  // Let cancelled operations complete (with operation_aborted) while every
  // object they refer to still exists.
  io.restart();
  io.run_for(std::chrono::milliseconds(200));
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
      pipeline_->add_channel(prepared.name, *channel, instance->host->executor());
    }
  }
  return true;
}

bool Daemon::create_checks() {
  if (config_.checks.empty()) return true;
  native_checks_ = std::make_unique<NativeCheckProvider>(loop_->io, config_.file.checks.max_concurrent, checks_log_);
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
  loop_->signals.async_wait([this](boost::system::error_code ec, int signal) {
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
  if (auto status = log_sink_.reopen(); !status) log_.error(status.message);
  log_.info("SIGHUP: reading ", config_.file.path.string());
  ConfigErrors errors;
  auto prepared = prepare_config(config_.file.path, log_sink_, errors);
  if (!prepared || !errors.empty()) {
    for (const auto& error : errors) log_.error(error.to_string());
    log_.error("reload refused: ", std::max<std::size_t>(errors.size(), 1),
               " mistakes in the config; the running config stays in effect");
    return;
  }
  reloaded_ = std::move(*prepared);
  exit_code_ = reload_requested;
  systemd_.notify("RELOADING=1");
  begin_shutdown("reload");
}

void Daemon::keep_watchdog_fed() {
  const auto interval = systemd_.watchdog_interval();
  if (!interval) return;
  systemd_.notify("WATCHDOG=1");
  loop_->watchdog.expires_after(*interval);
  loop_->watchdog.async_wait([this](boost::system::error_code ec) {
    if (!ec) keep_watchdog_fed();
  });
}

void Daemon::begin_shutdown(const char* reason) {
  if (shutting_down_) return;
  shutting_down_ = true;
  log_.info("stopping (", reason, ")");
  if (exit_code_ != reload_requested) systemd_.notify("STOPPING=1");
  checks_->stop();
  loop_->shutdown_deadline.expires_after(config_.file.daemon.shutdown_timeout);
  loop_->shutdown_deadline.async_wait([this](boost::system::error_code ec) {
    if (ec || finished_) return;
    log_.warn("shutdown took longer than ", config_.file.daemon.shutdown_timeout.count(),
              " ms; exiting with work still in flight (undelivered notifications stay queued)");
    finish_shutdown();
  });
  using sdk::Kind;
  stop_group(instances_of({Kind::frontend, Kind::trigger, Kind::check}), [this] {
    pipeline_->stop([this] {
      stop_group(instances_of({Kind::channel}), [this] {
        boost::asio::post(loop_->control, [this] { finish_shutdown(); });
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
  if (finished_) return;
  finished_ = true;
  loop_->shutdown_deadline.cancel();
  loop_->watchdog.cancel();
  loop_->signals.cancel();
  loop_->work.reset();
  loop_->io.stop();
}

}  // namespace notifyd::core
