# notifyd_add_plugin(<target> NAME <plugin-name> SOURCES <files...> [LIBRARIES <libs...>]
#                    [OUTPUT_DIRECTORY <dir>] [NO_INSTALL])
#
# Builds a plugin the way the host expects: a shared library named
# notifyd_<plugin-name>.so in the plugin directory, hidden visibility (the
# descriptor symbol and Asio's shared statics are exported), no undefined
# symbols, linked to the SDK, and installed into <prefix>/lib/notifyd. After
# each link it checks that the library shares Asio's statics with the host
# (CheckSharedAsioStatics.cmake). Used in this tree and, through
# find_package(notifyd), by plugins and checks built outside it.
set(NOTIFYD_ASIO_STATICS_CHECK ${CMAKE_CURRENT_LIST_DIR}/CheckSharedAsioStatics.cmake)

function(notifyd_add_plugin target)
  cmake_parse_arguments(ARG "NO_INSTALL" "NAME;OUTPUT_DIRECTORY" "SOURCES;LIBRARIES" ${ARGN})
  if(NOT ARG_NAME)
    message(FATAL_ERROR "notifyd_add_plugin(${target}): NAME is required")
  endif()
  if(NOT ARG_OUTPUT_DIRECTORY)
    if(DEFINED NOTIFYD_PLUGIN_OUTPUT_DIRECTORY)
      set(ARG_OUTPUT_DIRECTORY ${NOTIFYD_PLUGIN_OUTPUT_DIRECTORY})
    else()
      set(ARG_OUTPUT_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})
    endif()
  endif()
  add_library(${target} MODULE ${ARG_SOURCES})
  target_link_libraries(${target} PRIVATE notifyd::sdk ${ARG_LIBRARIES})
  set_target_properties(${target} PROPERTIES
    PREFIX ""
    OUTPUT_NAME "notifyd_${ARG_NAME}"
    LIBRARY_OUTPUT_DIRECTORY ${ARG_OUTPUT_DIRECTORY}
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    BUILD_RPATH "$ORIGIN/.."
    # Installed, libnotifyd-core.so sits beside the plugins in <prefix>/lib/notifyd.
    INSTALL_RPATH "$ORIGIN")
  target_link_options(${target} PRIVATE -Wl,--no-undefined)
  add_custom_command(TARGET ${target} POST_BUILD
    COMMAND ${CMAKE_COMMAND} -DLIBRARY=$<TARGET_FILE:${target}> -DNM=${CMAKE_NM} -P ${NOTIFYD_ASIO_STATICS_CHECK}
    VERBATIM)
  if(NOT ARG_NO_INSTALL)
    install(TARGETS ${target} LIBRARY DESTINATION lib/notifyd)
  endif()
endfunction()

# notifyd_add_check(<target> <sources...>): a native check is a plugin of kind check.
function(notifyd_add_check target)
  notifyd_add_plugin(${target} NAME ${target} SOURCES ${ARGN})
endfunction()
