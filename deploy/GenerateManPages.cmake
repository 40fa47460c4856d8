# Writes the manual pages into OUT_DIR, gzipped as Debian installs them:
#   notifyd.8       `notifyd --manpage`, from the texts of `notifyd --help`
#   notifyd.toml.5  `notifyd -c PLUGIN_CONFIG --describe-plugins --manpage`, from
#                   the same schemas as `--describe-plugins` (every plugin built here)
#   notifyctl.1     `notifyctl --manpage`; a notifyctl without that option is
#                   reported and its page left out (installed only when present)
# Run by deploy/CMakeLists.txt with -DNOTIFYD=… -DNOTIFYCTL=… -DPLUGIN_CONFIG=… -DOUT_DIR=… -DGZIP=…

# Sanitizer builds run here too: a leak report would only garble the page.
set(ENV{ASAN_OPTIONS} "detect_leaks=0")

function(notifyd_manpage name)
  execute_process(COMMAND ${ARGN}
    OUTPUT_FILE "${OUT_DIR}/${name}.tmp" ERROR_VARIABLE errors RESULT_VARIABLE status)
  file(READ "${OUT_DIR}/${name}.tmp" page LIMIT 64)
  if(NOT status EQUAL 0 OR NOT page MATCHES "^\\.\\\\\" ")
    file(REMOVE "${OUT_DIR}/${name}.tmp" "${OUT_DIR}/${name}.gz")
    set(notifyd_manpage_ok FALSE PARENT_SCOPE)
    set(notifyd_manpage_errors "${errors}" PARENT_SCOPE)
    return()
  endif()
  file(RENAME "${OUT_DIR}/${name}.tmp" "${OUT_DIR}/${name}")
  execute_process(COMMAND "${GZIP}" -9nf "${OUT_DIR}/${name}" RESULT_VARIABLE status)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "cannot gzip ${OUT_DIR}/${name}")
  endif()
  set(notifyd_manpage_ok TRUE PARENT_SCOPE)
endfunction()

file(MAKE_DIRECTORY "${OUT_DIR}")
notifyd_manpage(notifyd.8 "${NOTIFYD}" --manpage)
if(NOT notifyd_manpage_ok)
  message(FATAL_ERROR "notifyd --manpage failed: ${notifyd_manpage_errors}")
endif()
notifyd_manpage(notifyd.toml.5 "${NOTIFYD}" -c "${PLUGIN_CONFIG}" --describe-plugins --manpage)
if(NOT notifyd_manpage_ok)
  message(FATAL_ERROR "notifyd --describe-plugins --manpage failed: ${notifyd_manpage_errors}")
endif()
notifyd_manpage(notifyctl.1 "${NOTIFYCTL}" --manpage)
if(NOT notifyd_manpage_ok)
  message(STATUS "notifyctl.1 left out: this notifyctl has no --manpage yet (${notifyd_manpage_errors})")
endif()
