# SPDX-License-Identifier: MIT
# The capability shell's parser and expander: plain C over strings and the
# environment, without the launcher, so their unit tests link them alone.
add_library(ocap_shell_parse STATIC
  ${CMAKE_CURRENT_LIST_DIR}/shell_parse.c
  ${CMAKE_CURRENT_LIST_DIR}/shell_expand.c)
target_compile_definitions(ocap_shell_parse PRIVATE _GNU_SOURCE)
# shell.h includes <ocap/launch.h> for its types only.
target_include_directories(ocap_shell_parse PUBLIC
  $<BUILD_INTERFACE:${CMAKE_CURRENT_LIST_DIR}>
  $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>)
