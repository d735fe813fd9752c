# SPDX-License-Identifier: MIT
# The overlay's network calls, live: test_net.sh runs test_net_probe (built
# with ocap-cc, so ocapsh picks native mode from its ELF note) against
# listeners that test_net_peer (host compiler) starts on 127.0.0.1 and
# ::1.  test_net_probe_plain is the same source built with plain musl-gcc:
# outside a sandbox both must print the same.  Included by
# tests/overlay/CMakeLists.txt.
if(NOT OCAP_CC OR NOT MUSL_GCC OR NOT TARGET ocapsh)
  message(STATUS "no ocap-cc or ocapsh: the overlay network tests are off")
  return()
endif()

set(net_werror)
if(OCAP_WERROR)
  set(net_werror -Werror)
endif()
set(net_support ${PROJECT_SOURCE_DIR}/tests/support)
set(net_flags -std=gnu11 -D_GNU_SOURCE -O2 -g -Wall -Wextra ${net_werror}
    -I${net_support})
set(net_src ${CMAKE_CURRENT_LIST_DIR}/test_net_probe.c
    ${net_support}/errname.c ${net_support}/sockaddr.c)
set(net_deps ${net_src} ${net_support}/errname.h ${net_support}/sockaddr.h)
set(net_probe ${CMAKE_CURRENT_BINARY_DIR}/test_net_probe)
set(net_plain ${CMAKE_CURRENT_BINARY_DIR}/test_net_probe_plain)

add_custom_command(OUTPUT ${net_probe}
  COMMAND ${OCAP_CC} ${net_flags} -o ${net_probe} ${net_src}
  DEPENDS ${net_deps} ${OCAP_CC} ${OCAP_OVERLAY_LIB} ${OCAP_MUSL_LIB}
          ocap_overlay
  COMMENT "Linking test_net_probe with ocap-cc"
  VERBATIM)
add_custom_command(OUTPUT ${net_plain}
  COMMAND ${MUSL_GCC} -static ${net_flags} -o ${net_plain} ${net_src}
  DEPENDS ${net_deps}
  COMMENT "Linking test_net_probe_plain with musl-gcc"
  VERBATIM)
add_custom_target(overlay_net_probes ALL DEPENDS ${net_probe} ${net_plain})

add_executable(test_net_peer ${CMAKE_CURRENT_LIST_DIR}/test_net_peer.c
  ${net_support}/sockaddr.c)
target_compile_definitions(test_net_peer PRIVATE _GNU_SOURCE)
target_include_directories(test_net_peer PRIVATE ${net_support})

# overlay-net-CASE, one per case of test_net.sh; "examples" also runs
# examples/tcp-server and tcp-client when they are built.
set(net_cases connect connect-denied nbconnect ipv6 listen bind-denied
    resolve unix outside)
set(net_examples)
if(OCAP_TCP_SERVER AND OCAP_TCP_CLIENT)
  list(APPEND net_cases examples)
  set(net_examples ${OCAP_TCP_SERVER} ${OCAP_TCP_CLIENT})
endif()
foreach(c ${net_cases})
  add_test(NAME overlay-net-${c}
    COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/test_net.sh
            $<TARGET_FILE:ocapsh> ${net_probe} ${net_plain}
            $<TARGET_FILE:test_net_peer> ${c} ${net_examples})
  set_tests_properties(overlay-net-${c} PROPERTIES
    SKIP_RETURN_CODE ${OCAP_SKIP_CODE}
    TIMEOUT 120
    LABELS "overlay;net")
endforeach()
