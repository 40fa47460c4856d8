# notifyd_add_plugin(<target> NAME <plugin-name> SOURCES <files...> [LIBRARIES <libs...>])
#
# Builds a plugin the way the host expects: a shared library named
# notifyd_<plugin-name>.so in the plugin directory, hidden visibility (only the
# descriptor symbol is exported), no undefined symbols, linked to the SDK.
function(notifyd_add_plugin target)
  cmake_parse_arguments(ARG "" "NAME;OUTPUT_DIRECTORY" "SOURCES;LIBRARIES" ${ARGN})
  if(NOT ARG_NAME)
    message(FATAL_ERROR "notifyd_add_plugin(${target}): NAME is required")
  endif()
  if(NOT ARG_OUTPUT_DIRECTORY)
    set(ARG_OUTPUT_DIRECTORY ${NOTIFYD_PLUGIN_OUTPUT_DIRECTORY})
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
    INSTALL_RPATH "$ORIGIN/..")
  target_link_options(${target} PRIVATE -Wl,--no-undefined)
endfunction()

# notifyd_add_check(<target> <sources...>): a native check is a plugin of kind check.
function(notifyd_add_check target)
  notifyd_add_plugin(${target} NAME ${target} SOURCES ${ARGN})
endfunction()
