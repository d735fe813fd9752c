# SPDX-License-Identifier: MIT
#
# The musl half: libocap-musl.a and the overlay.  musl-gcc is a second C
# compiler, which CMake drives only through custom commands; each writes
# its object's header dependencies (-MD, read back through DEPFILE), so
# touching any header rebuilds what includes it, and each compiles with
# the project's one warning set (OCAP_WARNINGS).

find_program(MUSL_GCC musl-gcc)
option(OCAP_OVERLAY "Build the musl overlay and ocap-cc (needs musl 1.2.3)"
  ON)

# The overlay replaces musl-internal functions (__fopen_rb_ca, __map_file,
# __fclose_ca, ...) whose contract may change in any release.
set(OCAP_MUSL_SUPPORTED 1.2.3)

# ocap_musl_version(VAR): the version of the libc.a musl-gcc links (its
# __libc_version, what musl's dynamic loader prints), or "unknown".
function(ocap_musl_version var)
  set(dir ${PROJECT_BINARY_DIR}/CMakeFiles/ocap-musl-version)
  file(WRITE ${dir}/version.c "#include <stdio.h>
extern const char __libc_version[];
int main(void) { return puts(__libc_version) < 0; }
")
  set(v unknown)
  execute_process(COMMAND ${MUSL_GCC} -static -o ${dir}/version
                          ${dir}/version.c
    RESULT_VARIABLE rc OUTPUT_QUIET ERROR_QUIET)
  if(rc EQUAL 0)
    execute_process(COMMAND ${dir}/version RESULT_VARIABLE rc
      OUTPUT_VARIABLE out OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
    if(rc EQUAL 0 AND out MATCHES "^[0-9][0-9a-z._-]*$")
      set(v ${out})
    endif()
  endif()
  set(${var} ${v} PARENT_SCOPE)
endfunction()

if(MUSL_GCC AND OCAP_OVERLAY)
  ocap_musl_version(OCAP_MUSL_VERSION)
  if(NOT OCAP_MUSL_VERSION STREQUAL OCAP_MUSL_SUPPORTED)
    message(FATAL_ERROR "musl ${OCAP_MUSL_VERSION} found, but the overlay "
      "supports musl ${OCAP_MUSL_SUPPORTED} only\n"
      "Hint: -DOCAP_OVERLAY=OFF builds without the overlay and ocap-cc")
  endif()
  message(STATUS "musl ${OCAP_MUSL_VERSION} (${MUSL_GCC}): supported")
endif()

# The kernel's headers (<linux/landlock.h>, <linux/seccomp.h>), for the
# musl build of ocap_enter(): musl-gcc searches none of the host's include
# directories, where glibc's headers are, so these are linked into one
# directory of their own, searched after musl's.  Empty when missing.
set(OCAP_MUSL_KERNEL_INCLUDE "")
find_path(OCAP_LINUX_UAPI_DIR linux/landlock.h)
find_path(OCAP_LINUX_ASM_DIR asm/unistd.h
  PATH_SUFFIXES ${CMAKE_LIBRARY_ARCHITECTURE})
if(MUSL_GCC AND OCAP_LINUX_UAPI_DIR AND OCAP_LINUX_ASM_DIR)
  set(dir ${PROJECT_BINARY_DIR}/musl-kernel-include)
  file(MAKE_DIRECTORY ${dir})
  foreach(link linux:${OCAP_LINUX_UAPI_DIR}/linux
      asm-generic:${OCAP_LINUX_UAPI_DIR}/asm-generic
      asm:${OCAP_LINUX_ASM_DIR}/asm)
    string(REGEX REPLACE ":.*" "" name ${link})
    string(REGEX REPLACE "^[^:]*:" "" target ${link})
    file(CREATE_LINK ${target} ${dir}/${name} SYMBOLIC)
  endforeach()
  set(OCAP_MUSL_KERNEL_INCLUDE ${dir})
endif()

# Flags every musl-gcc compile shares.  -O2 -g whatever the build type:
# the archives are installed and linked into other programs.
set(OCAP_MUSL_CFLAGS -O2 -g ${OCAP_WARNINGS} -fvisibility=hidden
    -D_GNU_SOURCE -I${OCAP_GEN_INCLUDE_DIR} -I${PROJECT_SOURCE_DIR}/include)

# ocap_musl_archive(TARGET ARCHIVE SOURCES src... FLAGS flag...)
# A target (built by ALL) making ARCHIVE from SOURCES, relative to the
# current source directory (or absolute: a generated source), compiled by
# musl-gcc with OCAP_MUSL_CFLAGS and FLAGS (lists in generator expressions
# are expanded).  Objects sit flat in obj/: src/fcntl/open.c ->
# obj/fcntl_open.o, an absolute source by its name alone.
function(ocap_musl_archive target archive)
  cmake_parse_arguments(PARSE_ARGV 2 a "" "" "SOURCES;FLAGS")
  set(objdir ${CMAKE_CURRENT_BINARY_DIR}/obj)
  file(MAKE_DIRECTORY ${objdir})
  set(objs)
  foreach(src ${a_SOURCES})
    if(IS_ABSOLUTE ${src})
      set(path ${src})
      get_filename_component(name ${src} NAME)
    else()
      set(path ${CMAKE_CURRENT_SOURCE_DIR}/${src})
      string(REGEX REPLACE "^src/" "" name ${src})
    endif()
    string(REGEX REPLACE "\\.c$" "" name ${name})
    string(REPLACE "/" "_" name ${name})
    set(obj ${objdir}/${name}.o)
    file(RELATIVE_PATH shown ${PROJECT_BINARY_DIR} ${obj})
    add_custom_command(OUTPUT ${obj}
      COMMAND ${MUSL_GCC} ${OCAP_MUSL_CFLAGS} ${a_FLAGS}
              -MD -MF ${obj}.d -c ${path} -o ${obj}
      DEPENDS ${path}
      DEPFILE ${obj}.d
      COMMENT "Building C object ${shown} (musl-gcc)"
      COMMAND_EXPAND_LISTS
      VERBATIM)
    list(APPEND objs ${obj})
  endforeach()
  add_custom_command(OUTPUT ${archive}
    COMMAND ${CMAKE_COMMAND} -E rm -f ${archive}
    COMMAND ${CMAKE_AR} rcs ${archive} ${objs}
    DEPENDS ${objs}
    COMMENT "Linking C static library ${archive} (musl)"
    VERBATIM)
  add_custom_target(${target} ALL DEPENDS ${archive})
endfunction()
