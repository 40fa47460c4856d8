#pragma once
// The one symbol a plugin library exports, and the macro that defines it.

#include <cstdint>
#include <exception>
#include <string>
#include <type_traits>

#include <boost/version.hpp>

#include "notifyd/sdk/config.hpp"
#include "notifyd/sdk/host.hpp"
#include "notifyd/sdk/kind.hpp"
#include "notifyd/sdk/plugin.hpp"
#include "notifyd/sdk/plugin_adapter.hpp"

namespace notifyd::sdk {

/// Version of the descriptor layout and of the SDK interfaces. Bumped on any
/// incompatible change; the host refuses a plugin built for another.
inline constexpr std::uint32_t abi_version = 8;

#define NOTIFYD_STRINGIFY_IMPL(x) #x
#define NOTIFYD_STRINGIFY(x) NOTIFYD_STRINGIFY_IMPL(x)
#if defined(__SANITIZE_ADDRESS__)
#define NOTIFYD_SANITIZER_TAG ";asan"
#else
#define NOTIFYD_SANITIZER_TAG ""
#endif

/// Compiler, Boost, language and library ABI the code was built with. The
/// host compares its own with the plugin's before calling anything in it.
#define NOTIFYD_TOOLCHAIN_ID                                                   \
  "gcc " __VERSION__ ";boost " BOOST_LIB_VERSION ";cxx " NOTIFYD_STRINGIFY(    \
      __cplusplus) ";cxx11abi " NOTIFYD_STRINGIFY(_GLIBCXX_USE_CXX11_ABI)      \
      NOTIFYD_SANITIZER_TAG

/// The exported descriptor. Fields are only ever appended; `descriptor_size`
/// tells the host how many a plugin has. The first three fields are plain C
/// so the host can read them before it trusts anything else.
struct PluginDescriptor {
  std::uint32_t abi_version;
  std::uint32_t descriptor_size;
  const char* toolchain_id;
  const char* name;     ///< library name, what `use = "..."` refers to
  Kind kind;
  /// Fills the plugin's config schema; false with `error` set on failure.
  bool (*describe)(ConfigSchema& schema, std::string& error) noexcept;
  /// Creates an instance; nullptr with `error` set on failure.
  Plugin* (*create)(Host& host, std::string& error) noexcept;
  /// Destroys what `create` made, inside the library that made it.
  void (*destroy)(Plugin* plugin) noexcept;
};

/// Name of the exported descriptor symbol.
inline constexpr const char* descriptor_symbol = "notifyd_plugin";

namespace detail {

template <class T>
bool describe_plugin(ConfigSchema& schema, std::string& error) noexcept {
  try {
    T::describe(schema);
    return true;
  } catch (const std::exception& e) {
    error = e.what();
  } catch (...) {
    error = "unknown exception";
  }
  return false;
}

template <Kind K>
struct KindInterface;
template <> struct KindInterface<Kind::channel> { using type = Channel; };
template <> struct KindInterface<Kind::frontend> { using type = Frontend; };
template <> struct KindInterface<Kind::trigger> { using type = Trigger; };
template <> struct KindInterface<Kind::check> { using type = Check; };

/// What the host gets for plugin class `T` of kind `K`: `T` itself when it
/// implements the kind's interface, else `PluginAdapter<T, K>` around it.
template <class T, Kind K>
using Exported = std::conditional_t<std::is_base_of_v<typename KindInterface<K>::type, T>, T, PluginAdapter<T, K>>;

template <class T>
Plugin* create_plugin(Host& host, std::string& error) noexcept {
  try {
    return new T(host);
  } catch (const std::exception& e) {
    error = e.what();
  } catch (...) {
    error = "unknown exception";
  }
  return nullptr;
}

template <class T>
void destroy_plugin(Plugin* plugin) noexcept {
  delete static_cast<T*>(plugin);
}

}  // namespace detail

/// Builds the descriptor for plugin class `T` of kind `K`. `T` takes `Host&`
/// in its constructor and has `static void describe(ConfigSchema&)`. It either
/// defines the kind's entry points as ordinary members that may throw (see
/// `PluginAdapter`), or derives from the kind's interface and implements its
/// noexcept virtuals itself.
template <class T, Kind K>
constexpr PluginDescriptor make_descriptor(const char* name) noexcept {
  using Exported = detail::Exported<T, K>;
  return PluginDescriptor{abi_version,
                          sizeof(PluginDescriptor),
                          NOTIFYD_TOOLCHAIN_ID,
                          name,
                          K,
                          &detail::describe_plugin<T>,
                          &detail::create_plugin<Exported>,
                          &detail::destroy_plugin<Exported>};
}

}  // namespace notifyd::sdk

/// Exports plugin class `Class` under `name` (a string literal) as `kind`
/// (channel, frontend, trigger or check). One line at the end of the plugin's
/// main file. A `Class` written with ordinary members is wrapped in
/// `PluginAdapter`, which keeps every exception on the plugin's side.
#define NOTIFYD_PLUGIN(Class, name, kind)                                         \
  extern "C" __attribute__((visibility("default")))                               \
  const ::notifyd::sdk::PluginDescriptor notifyd_plugin =                         \
      ::notifyd::sdk::make_descriptor<Class, ::notifyd::sdk::Kind::kind>(name);
