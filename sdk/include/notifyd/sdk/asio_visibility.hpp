#pragma once
/// @file
/// Gives Asio's classes default visibility in every translation unit that
/// builds against the SDK, whatever `-fvisibility` it uses.
///
/// Asio wraps its headers in `#pragma GCC visibility push(default)`, except
/// `boost/asio/detail/timer_scheduler_fwd.hpp`, which declares
/// `class epoll_reactor` bare. A plugin built with `-fvisibility=hidden` that
/// includes `<boost/asio/steady_timer.hpp>` before any other Asio header makes
/// `epoll_reactor` hidden there, so `execution_context_service_base<epoll_reactor>::id`
/// becomes a private copy and the plugin no longer shares the host's reactor.
/// The SDK's CMake target passes this header to the compiler with `-include`,
/// so it comes first in every such file; declaring the class here, inside
/// Asio's own visibility push, fixes its visibility before anyone else does.
/// `notifyd_add_plugin()` checks the result on every plugin it links.

#include <boost/asio/detail/config.hpp>

#include <boost/asio/detail/push_options.hpp>

namespace boost::asio::detail {
class epoll_reactor;
}  // namespace boost::asio::detail

#include <boost/asio/detail/pop_options.hpp>
