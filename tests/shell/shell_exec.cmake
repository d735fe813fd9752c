# SPDX-License-Identifier: MIT
# The capability shell's executor, builtins and front end: in-process
# units, then the real ocapsh running real programs (-c, -f, stdin) and
# an interactive session in a pseudo-terminal.
add_cmocka_test(test_shell_exec
  SOURCES test_shell_exec.c
          ${PROJECT_SOURCE_DIR}/capsh/shell_exec.c
          ${PROJECT_SOURCE_DIR}/capsh/shell_plan.c
          ${PROJECT_SOURCE_DIR}/capsh/shell_builtin.c
  LIBS ocap_shell_parse ocap_launch)

find_program(OCAP_BASH bash REQUIRED)
foreach(t cli_shell cli_shell_builtins)
  add_test(NAME ${t}
           COMMAND ${OCAP_BASH} ${CMAKE_CURRENT_SOURCE_DIR}/${t}.sh
                   $<TARGET_FILE:ocapsh>)
  set_tests_properties(${t} PROPERTIES SKIP_RETURN_CODE ${OCAP_SKIP_CODE}
                       TIMEOUT 120 LABELS "cli;shell")
endforeach()

# A real pty; python3's pty module needs nothing installed.
find_program(OCAP_PYTHON3 python3 PATHS /usr/bin NO_DEFAULT_PATH)
if(OCAP_PYTHON3)
  add_test(NAME shell_pty
           COMMAND ${OCAP_PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/pty_shell.py
                   $<TARGET_FILE:ocapsh>)
  set_tests_properties(shell_pty PROPERTIES SKIP_RETURN_CODE ${OCAP_SKIP_CODE}
                       TIMEOUT 60 LABELS shell)
endif()
