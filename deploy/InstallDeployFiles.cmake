# Runs at install time (`cmake --install`, cpack), after the binaries, from
# deploy/CMakeLists.txt, which sets the NOTIFYD_* variables used here.
#
# The files in deploy/ name the Debian paths (/usr/bin/notifyd,
# /usr/lib/notifyd, /etc/notifyd); for another prefix they are rewritten to it.
# System locations outside the prefix (/var/lib/notifyd, /run/notifyd) stay.

set(notifyd_prefix "${CMAKE_INSTALL_PREFIX}")
if(notifyd_prefix STREQUAL "/usr")
  set(notifyd_etc "/etc")
else()
  set(notifyd_etc "${notifyd_prefix}/etc")
endif()
set(notifyd_doc "${notifyd_prefix}/share/doc/notifyd")
set(notifyd_destdir "$ENV{DESTDIR}")

string(MD5 notifyd_stage_key "${notifyd_destdir}|${notifyd_prefix}")
set(notifyd_stage "${NOTIFYD_DEPLOY_BINARY_DIR}/install-stage/${notifyd_stage_key}")
file(REMOVE_RECURSE "${notifyd_stage}")
file(MAKE_DIRECTORY "${notifyd_stage}")

set(notifyd_data_permissions OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
set(notifyd_program_permissions OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)

# Writes deploy/<source> to the stage as <name>, with the paths rewritten for this prefix.
function(notifyd_stage_rewritten source name)
  file(READ "${NOTIFYD_DEPLOY_SOURCE_DIR}/${source}" text)
  if(NOT notifyd_prefix STREQUAL "/usr")
    string(REPLACE "/usr/bin/notifyd" "${notifyd_prefix}/bin/notifyd" text "${text}")
    string(REPLACE "/usr/lib/notifyd" "${notifyd_prefix}/lib/notifyd" text "${text}")
    string(REPLACE "/usr/share/doc/notifyd" "${notifyd_doc}" text "${text}")
    string(REPLACE "/etc/notifyd/" "${notifyd_etc}/notifyd/" text "${text}")
  endif()
  file(WRITE "${notifyd_stage}/${name}" "${text}")
endfunction()

# Installs deploy/<source> as <destination>/<name>, rewritten for this prefix.
function(notifyd_install_rewritten source destination name)
  notifyd_stage_rewritten(${source} ${name})
  file(INSTALL DESTINATION "${destination}" TYPE FILE FILES "${notifyd_stage}/${name}"
       PERMISSIONS ${notifyd_data_permissions})
endfunction()

# systemd
notifyd_install_rewritten(notifyd.service "${notifyd_prefix}/lib/systemd/system" notifyd.service)
notifyd_install_rewritten(notifyd.sysusers "${notifyd_prefix}/lib/sysusers.d" notifyd.conf)
notifyd_install_rewritten(notifyd.tmpfiles "${notifyd_prefix}/lib/tmpfiles.d" notifyd.conf)

# /etc: an operator's notifyd.toml is never overwritten by `cmake --install`;
# the new default goes next to it as notifyd.toml.dist.
set(notifyd_config "${notifyd_destdir}${notifyd_etc}/notifyd/notifyd.toml")
notifyd_stage_rewritten(notifyd.toml notifyd.toml)
set(notifyd_config_name notifyd.toml)
if(EXISTS "${notifyd_config}")
  file(READ "${notifyd_config}" notifyd_existing)
  file(READ "${notifyd_stage}/notifyd.toml" notifyd_shipped)
  if(NOT notifyd_existing STREQUAL notifyd_shipped)
    set(notifyd_config_name notifyd.toml.dist)
    message(STATUS "Kept: ${notifyd_config} (the shipped default is notifyd.toml.dist beside it)")
  endif()
endif()
notifyd_install_rewritten(notifyd.toml "${notifyd_etc}/notifyd" ${notifyd_config_name})
notifyd_install_rewritten(notifyd.logrotate "${notifyd_etc}/logrotate.d" notifyd)

# share/doc/notifyd
file(INSTALL DESTINATION "${notifyd_doc}" TYPE FILE PERMISSIONS ${notifyd_data_permissions}
     FILES "${NOTIFYD_PROJECT_SOURCE_DIR}/README.md" "${NOTIFYD_DEPLOY_SOURCE_DIR}/debian/copyright" ${NOTIFYD_GUIDES})
notifyd_install_rewritten(notifyd.toml "${notifyd_doc}/examples" notifyd.toml)
notifyd_install_rewritten(notifyd.env.example "${notifyd_doc}/examples" notifyd.env.example)
if(NOTIFYD_EXAMPLE_SCRIPTS)
  file(INSTALL DESTINATION "${notifyd_doc}/examples/notifications" TYPE FILE
       PERMISSIONS ${notifyd_data_permissions} FILES ${NOTIFYD_EXAMPLE_SCRIPTS})
endif()

# The Debian changelog (native package: changelog.gz), compressed without a
# timestamp so the package is reproducible.
file(READ "${NOTIFYD_DEPLOY_SOURCE_DIR}/debian/changelog" notifyd_changelog)
string(REPLACE "@NOTIFYD_DEB_VERSION@" "${NOTIFYD_VERSION}" notifyd_changelog "${notifyd_changelog}")
file(WRITE "${notifyd_stage}/changelog" "${notifyd_changelog}")
find_program(NOTIFYD_GZIP gzip)
if(NOTIFYD_GZIP)
  execute_process(COMMAND "${NOTIFYD_GZIP}" -9n "${notifyd_stage}/changelog" RESULT_VARIABLE notifyd_gzip_status)
  if(notifyd_gzip_status EQUAL 0)
    file(INSTALL DESTINATION "${notifyd_doc}" TYPE FILE PERMISSIONS ${notifyd_data_permissions}
         FILES "${notifyd_stage}/changelog.gz")
  endif()
endif()
