# SPDX-License-Identifier: MIT
# The launcher's enforcement stages (Landlock, seccomp) as one internal
# static library.  The default seccomp programs are compiled to BPF here,
# at build time, by ocap-gen-seccomp (which must run on the build machine).
pkg_check_modules(SECCOMP REQUIRED IMPORTED_TARGET libseccomp)

add_executable(ocap-gen-seccomp linux/gen-seccomp.c linux/seccomp.c
  linux/seccomp_mode.c linux/broker_sc.c linux/classes.c)
target_compile_definitions(ocap-gen-seccomp PRIVATE _GNU_SOURCE)
target_include_directories(ocap-gen-seccomp PRIVATE
  ${CMAKE_CURRENT_SOURCE_DIR}/linux ${PROJECT_SOURCE_DIR}/include
  ${PROJECT_SOURCE_DIR}/private)
target_link_libraries(ocap-gen-seccomp PRIVATE PkgConfig::SECCOMP)
# libseccomp's SCMP_A* macros leave fields to their defaults.
set_source_files_properties(linux/seccomp.c linux/broker_sc.c
  linux/classes.c PROPERTIES COMPILE_OPTIONS -Wno-missing-field-initializers)

set(OCAP_SECCOMP_BPF ${CMAKE_CURRENT_BINARY_DIR}/seccomp-bpf.c)
add_custom_command(OUTPUT ${OCAP_SECCOMP_BPF}
  COMMAND ocap-gen-seccomp ${OCAP_SECCOMP_BPF}
  DEPENDS ocap-gen-seccomp
  COMMENT "Compiling the default seccomp programs to BPF"
  VERBATIM)
# Two targets compile the generated file (these objects and the musl
# archive, musl.cmake): each waits for this one, so that a parallel build
# never runs the generator twice at once.
add_custom_target(ocap_seccomp_bpf DEPENDS ${OCAP_SECCOMP_BPF})

# Objects, so that the installed libocap-launch.a carries them too.
add_library(ocap_sandbox_objects OBJECT linux/landlock.c linux/seccomp.c
  linux/seccomp_mode.c linux/seccomp_load.c linux/broker_sc.c
  ${OCAP_SECCOMP_BPF})
target_compile_definitions(ocap_sandbox_objects PRIVATE _GNU_SOURCE)
target_include_directories(ocap_sandbox_objects
  PUBLIC $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/linux>
         $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>
  PRIVATE ${CMAKE_CURRENT_BINARY_DIR} ${PROJECT_SOURCE_DIR}/private)
target_link_libraries(ocap_sandbox_objects PRIVATE PkgConfig::SECCOMP)
add_dependencies(ocap_sandbox_objects ocap_seccomp_bpf)

add_library(ocap_sandbox STATIC $<TARGET_OBJECTS:ocap_sandbox_objects>)
target_include_directories(ocap_sandbox PUBLIC
  $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/linux>
  $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>)
target_link_libraries(ocap_sandbox PUBLIC PkgConfig::SECCOMP)
