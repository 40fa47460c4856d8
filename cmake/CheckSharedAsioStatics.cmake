# cmake -DLIBRARY=<file> -DNM=<nm> -P CheckSharedAsioStatics.cmake
#
# Fails when a plugin or check library keeps a private copy of one of Asio's
# statics (service ids, the per-thread call stacks). Those must be shared with
# the host (nm: `u`, `V` or `U`); a local definition (`b`, `d`, `r`, `s`) means
# the plugin would create its own reactor or not see which thread runs the
# io_context, which breaks it silently until a completion runs during stop.
if(NOT LIBRARY OR NOT NM)
  message(FATAL_ERROR "CheckSharedAsioStatics: LIBRARY and NM are required")
endif()
execute_process(COMMAND ${NM} -C ${LIBRARY}
  OUTPUT_VARIABLE symbols RESULT_VARIABLE failed ERROR_VARIABLE errors)
if(failed)
  message(FATAL_ERROR "${NM} ${LIBRARY} failed: ${errors}")
endif()
string(REPLACE "\n" ";" lines "${symbols}")
set(private "")
foreach(line IN LISTS lines)
  if(line MATCHES "^[0-9a-f]+ [bdrs] (guard variable for )?boost::asio::.*(::id|::top_)$")
    string(APPEND private "\n  ${line}")
  endif()
endforeach()
if(private)
  get_filename_component(name ${LIBRARY} NAME)
  message(FATAL_ERROR
    "${name} defines its own copy of Asio statics that must be shared with the host:${private}\n"
    "Build it with notifyd_add_plugin() and link it to notifyd::sdk (which puts "
    "notifyd/sdk/asio_visibility.hpp first in every file); do not hide these symbols "
    "with an export map or version script.")
endif()
