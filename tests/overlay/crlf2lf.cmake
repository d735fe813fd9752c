# SPDX-License-Identifier: MIT
# examples/crlf2lf.c, a plain POSIX file converter built with ocap-cc
# (examples/CMakeLists.txt), run by run_crlf2lf.sh under ocapsh with
# --ro IN --rw OUT only, and outside beside the same source built with
# plain musl-gcc (crlf2lf-musl/crlf2lf: the same name, so that err(3)
# messages match).  Included by tests/overlay/CMakeLists.txt.
if(NOT OCAP_CRLF2LF OR NOT MUSL_GCC)
  return()
endif()

set(crlf_flags -std=gnu11 -D_GNU_SOURCE -O2 -g -Wall -Wextra)
if(OCAP_WERROR)
  list(APPEND crlf_flags -Werror)
endif()
set(crlf_src ${PROJECT_SOURCE_DIR}/examples/crlf2lf.c)
set(crlf_musl ${CMAKE_CURRENT_BINARY_DIR}/crlf2lf-musl/crlf2lf)
add_custom_command(OUTPUT ${crlf_musl}
  COMMAND ${CMAKE_COMMAND} -E make_directory
          ${CMAKE_CURRENT_BINARY_DIR}/crlf2lf-musl
  COMMAND ${MUSL_GCC} -static ${crlf_flags} -o ${crlf_musl} ${crlf_src}
  DEPENDS ${crlf_src}
  COMMENT "Linking crlf2lf with musl-gcc"
  VERBATIM)
add_custom_target(ov_crlf2lf_musl ALL DEPENDS ${crlf_musl})

add_test(NAME overlay_example_crlf2lf
  COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/run_crlf2lf.sh
          overlay_example_crlf2lf $<TARGET_FILE:ocapsh> ${OCAP_CRLF2LF}
          ${crlf_musl})
set_tests_properties(overlay_example_crlf2lf PROPERTIES
  SKIP_RETURN_CODE ${OCAP_SKIP_CODE} TIMEOUT 120 LABELS overlay)
