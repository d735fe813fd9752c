# SPDX-License-Identifier: MIT
# libocap-launch-musl.a: the launcher built with musl-gcc, so that a
# program built with ocap-cc can call ocap_enter(3) and ocap_isolate(3),
# network helper included.  No libseccomp at run time: the seccomp
# programs are the ones gen-seccomp compiled for libocap-launch (the same
# generated source, compiled again), loaded with seccomp(2); what only
# libseccomp can do at run time (--allow-syscall) is refused
# (nolibseccomp.c).  ocap-cc links the archive after the overlay.
set(OCAP_LAUNCH_MUSL_LIB "" CACHE INTERNAL "libocap-launch built with musl")
if(NOT MUSL_GCC OR NOT OCAP_MUSL_LIB OR NOT OCAP_MUSL_KERNEL_INCLUDE)
  message(STATUS "musl-gcc or the kernel's headers not found: no "
    "libocap-launch-musl.a (ocap-cc programs cannot enter)")
  return()
endif()

# The launcher's sources but those that call libseccomp.
set(launch_musl_sources ${OCAP_LAUNCH_SOURCES})
list(REMOVE_ITEM launch_musl_sources linux/syscalls.c)
list(APPEND launch_musl_sources linux/landlock.c linux/seccomp_mode.c
  linux/seccomp_load.c linux/nolibseccomp.c ${OCAP_SECCOMP_BPF})

set(OCAP_LAUNCH_MUSL_LIB ${CMAKE_CURRENT_BINARY_DIR}/libocap-launch-musl.a
    CACHE INTERNAL "libocap-launch built with musl")
ocap_musl_archive(ocap_launch_musl ${OCAP_LAUNCH_MUSL_LIB}
  SOURCES ${launch_musl_sources}
  FLAGS -std=gnu11
        "-D$<JOIN:$<TARGET_PROPERTY:ocap_launch_objects,COMPILE_DEFINITIONS>,;-D>"
        -I${CMAKE_CURRENT_SOURCE_DIR} -I${CMAKE_CURRENT_SOURCE_DIR}/linux
        -I${CMAKE_CURRENT_SOURCE_DIR}/broker -I${CMAKE_CURRENT_BINARY_DIR}
        -I${PROJECT_SOURCE_DIR}/private -idirafter ${OCAP_MUSL_KERNEL_INCLUDE})
add_dependencies(ocap_launch_musl ocap_musl ocap_seccomp_bpf)
install(FILES ${OCAP_LAUNCH_MUSL_LIB} DESTINATION ${CMAKE_INSTALL_LIBDIR})
