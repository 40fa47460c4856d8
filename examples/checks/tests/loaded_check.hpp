#pragma once
// One check library loaded the way the host loads it: dlopen, the exported
// descriptor, the schema from `describe`, a config of defaults plus the
// test's values, `create` with a fake host, then `configure`.

#include <dlfcn.h>

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>

#include "fake_host.hpp"
#include "notifyd/sdk/plugin_descriptor.hpp"

namespace notifyd::examples::testing {

/// A created check instance; destroyed and unloaded with this object.
class LoadedCheck {
 public:
  /// Loads `library` and creates the check with its defaults and `values`
  /// (keys the check must declare). Throws when any step fails.
  explicit LoadedCheck(const std::string& library, const std::map<std::string, sdk::ConfigValue>& values = {}) {
    handle_ = ::dlopen(library.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle_) throw std::runtime_error(std::string("dlopen: ") + ::dlerror());
    descriptor_ = static_cast<const sdk::PluginDescriptor*>(::dlsym(handle_, sdk::descriptor_symbol));
    if (!descriptor_) throw std::runtime_error(library + " exports no " + sdk::descriptor_symbol);
    if (descriptor_->abi_version != sdk::abi_version || descriptor_->kind != sdk::Kind::check) {
      throw std::runtime_error(library + " is not a check of this ABI");
    }
    std::string error;
    if (!descriptor_->describe(schema_, error)) throw std::runtime_error("describe: " + error);

    std::map<std::string, sdk::ConfigValue, std::less<>> config;
    for (const auto& key : schema_.keys()) config[key.name] = key.default_value;
    std::vector<std::string> set;
    for (const auto& [name, value] : values) {
      if (!schema_.find(name)) throw std::logic_error("the check declares no key " + name);
      config[name] = value;
      set.push_back(name);
    }
    host_ = std::make_unique<FakeHost>(descriptor_->name, sdk::PluginConfig(std::move(config), std::move(set)));
    plugin_ = descriptor_->create(*host_, error);
    if (!plugin_) throw std::runtime_error("create: " + error);
    check_ = plugin_->as_check();
    if (!check_) throw std::runtime_error("the created plugin is not a Check");
    configured_ = plugin_->configure();
  }

  ~LoadedCheck() {
    if (plugin_) descriptor_->destroy(plugin_);
    host_.reset();
    if (handle_) ::dlclose(handle_);
  }
  LoadedCheck(const LoadedCheck&) = delete;
  LoadedCheck& operator=(const LoadedCheck&) = delete;

  /// What the library exported.
  const sdk::PluginDescriptor& descriptor() const { return *descriptor_; }
  /// The keys the check declared.
  const sdk::ConfigSchema& schema() const { return schema_; }
  /// What `configure()` answered.
  const sdk::Status& configured() const { return configured_; }

  /// One run, as the host's worker thread makes it.
  sdk::Result<sdk::CheckResult> run(std::chrono::milliseconds timeout = std::chrono::seconds{60},
                                    const std::atomic<bool>* cancelled = nullptr) {
    sdk::CheckContext context;
    context.check = descriptor_->name;
    context.user = "tester";
    context.timeout = timeout;
    context.cancelled = cancelled ? cancelled : &never_cancelled_;
    return check_->run(context);
  }

 private:
  void* handle_ = nullptr;
  const sdk::PluginDescriptor* descriptor_ = nullptr;
  sdk::ConfigSchema schema_;
  std::unique_ptr<FakeHost> host_;
  sdk::Plugin* plugin_ = nullptr;
  sdk::Check* check_ = nullptr;
  sdk::Status configured_;
  std::atomic<bool> never_cancelled_{false};
};

}  // namespace notifyd::examples::testing
