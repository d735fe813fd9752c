#!/bin/bash
# SPDX-License-Identifier: MIT
# cli_shell: the capability shell (ocapsh -c, -f, a script on stdin) runs
# real programs, each holding only what its command line designates.  A
# canary outside every grant must never be read nor changed; other.txt
# sits next to notes.txt and must stay closed to a command that names
# only notes.txt.
#
# usage: cli_shell.sh OCAPSH
set -u
. "$(dirname "$0")/../cli/lib.sh"

OCAPSH=${1:?usage: cli_shell.sh OCAPSH}
require_sandbox "$OCAPSH"
O=$OCAPSH

setup_tmp
umask 022
W=$T/work
mkdir -p "$W" "$T/canary" "$T/shared"
cd "$W" || exit 1
NOTES="notes-$RANDOM-granted"
OTHER="OTHER-$RANDOM-must-stay-closed"
printf '%s\n' "$NOTES" >notes.txt
printf '%s\n' "$OTHER" >other.txt
printf 'pear\napple\nfig\n' >in
printf 'read-only\n' >ro.txt
printf 'shared-file\n' >"$T/shared/f"
canary "$T/canary/secret.txt" "CANARY-$RANDOM$RANDOM-must-stay-unread"
CANARY=$CANARY_FILE
PY=/usr/bin/python3

# ---- designation: a named file and nothing else ----------------------------
t cat-reads-named-file 0 -o "=$NOTES" : "$O" -c 'cat notes.txt'
t cat-named-two-files 0 -o "~$NOTES" -o "~$OTHER" : \
	"$O" -c 'cat notes.txt other.txt'
# The command knows of other.txt (it is in its own script) but did not
# name it: notes.txt was readable, other.txt is not.
t sh-second-file-denied 1 -o "=$NOTES" -o "!$OTHER" \
	-e "/other.txt: (Permission denied|No such file)" : \
	"$O" --rx /usr/bin -c "sh -c 'cat \"\$1\"; cat other.txt' sh notes.txt"
t python-second-file-denied 1 -o "=$NOTES" -o "!$OTHER" \
	-e "~PermissionError" : \
	"$O" -c "$PY -c \"import sys; print(open(sys.argv[1]).read(), end=''); open('other.txt')\" notes.txt"
# A path inside a plain string designates nothing.
t string-is-not-a-path 1 -e "~PermissionError" : \
	"$O" -c "$PY -c \"open('$CANARY').read()\""
t unnamed-file-not-readable 1 -e "/other.txt: (Permission denied|No such file)" : \
	"$O" --rx /usr/bin -c "sh -c 'cat other.txt'"
# The one-shot launch is unchanged: nothing is designated there.
t one-shot-designates-nothing 1 -e "~Permission denied" : \
	"$O" cat notes.txt
t one-shot-with-grant 0 -o "=$NOTES" : "$O" --ro notes.txt -- cat notes.txt

# ---- the write marker --------------------------------------------------------
t cp-marked-creates 0 : "$O" -c 'cp notes.txt => copy.txt'
post "copy.txt holds notes" file_is copy.txt "$NOTES"
t cp-creates-nothing-else 1 -e "~'extra.txt': Permission denied" : \
	"$O" --rx /usr/bin -c "sh -c 'cp \"\$1\" \"\$2\" && cp \"\$1\" extra.txt' sh notes.txt => b.txt"
post "b.txt created" file_is b.txt "$NOTES"
post "extra.txt not created" absent extra.txt
t cp-unmarked-new-denied 1 -e "*" : "$O" -c 'cp notes.txt c.txt'
post "c.txt not created" absent c.txt
t cp-unmarked-existing-read-only 1 -e "~Permission denied" : \
	"$O" -c 'cp notes.txt ro.txt'
post "ro.txt unchanged" file_is ro.txt read-only
t cp-marked-existing 0 : "$O" -c 'cp notes.txt => ro2.txt && cp other.txt => ro2.txt'
post "ro2.txt overwritten" file_is ro2.txt "$OTHER"
t sort-o-marked 0 -o "=$(printf 'apple\nfig\npear')" : \
	"$O" -c 'sort -o => sorted.txt in && cat sorted.txt'

# ---- redirections: opened by the shell, no path grant --------------------------
t redirect-in-out 0 : "$O" -c 'sort < in > out'
post "out is sorted" file_is out "$(printf 'apple\nfig\npear')"
t redirect-explain-no-grant 0 -o "!$W/in" -o "!$W/out" -o "~program:" : \
	"$O" -c 'explain sort'
t redirect-append 0 -o "=$(printf 'A\nA')" : \
	"$O" -c 'echo A > app; echo A >> app; cat app'
t redirect-stderr 1 : "$O" -c 'cat nosuch 2> err.txt'
post "err.txt has cat's error" grep -q "No such file" err.txt
t redirect-2-to-1 0 -o "~nosuch: No such file" : \
	"$O" -c 'cat nosuch 2>&1 | cat'
t redirect-failure 1 -e "@ocapsh: -c:1:9: /nonexistent/x: No such file or directory" : \
	"$O" -c 'echo hi > /nonexistent/x'
t redirect-fd-3-refused 1 -e "@ocapsh: -c:1:9: only descriptors 0, 1 and 2 can be redirected" : \
	"$O" -c 'echo hi 3> x3'

# ---- pipelines ---------------------------------------------------------------
t pipeline-of-three 0 -o "=$(printf 'APPLE\nFIG\nPEAR')" : \
	"$O" -c 'cat in | sort | tr a-z A-Z'
t pipeline-of-four 0 -o "=3" : "$O" -c 'cat in | sort | tr a-z A-Z | wc -l'
t pipeline-status-last 1 : "$O" -c 'true | false'
t pipeline-status-last-ok 0 -o "=0" : "$O" -c 'false | true; echo $?'
t pipeline-sigpipe 0 -o "=y" : "$O" -c 'yes | head -n 1'

# ---- lists, status, expansion --------------------------------------------------
t and-or 0 -o "=$(printf 'or\nand\n1')" : \
	"$O" -c 'false || echo or; true && echo and; false && echo no; echo $?'
t status-var 0 -o "=1 0" : "$O" -c 'false; echo -n "$? "; true; echo $?'
t not-found 127 -e "@ocapsh: -c:2:1: nosuch: command not found" : \
	"$O" -c 'true
nosuch arg'
t quotes-escapes 0 -o "=a  b c d e f \$x" : \
	"$O" -c "echo \"a  b\" 'c d' e\\ f \\\$x"
t variables 0 -o "=bar barx bar \$FOO" : \
	env FOO=bar "$O" -c "echo \$FOO \${FOO}x \"\$FOO\" '\$FOO'"
t tilde 0 -o "=$NOTES" : env HOME="$W" "$O" -c 'cat ~/notes.txt'
t glob-designates 0 -o "=$(printf '%s\n%s' "$NOTES" "$OTHER")" : \
	"$O" -c 'cat [no]*.txt'
t glob-no-match 1 -e "~*.nomatch" : "$O" -c 'cat *.nomatch'
t env-not-passed 0 -o "!OCAPSH_TEST_VAR" : env OCAPSH_TEST_VAR=1 "$O" -c 'env'
t env-grant 0 -o "~OCAPSH_TEST_VAR=2" : "$O" --env OCAPSH_TEST_VAR=2 -c 'env'

# ---- errors: line:col, nothing run ----------------------------------------------
t syntax-error-runs-nothing 2 -e "@ocapsh: -c:1:15: unterminated quote" : \
	"$O" -c 'echo ok; echo "x'
printf 'echo one\necho two |\n| three\n' >bad.osh
t script-syntax-error 2 -e "@ocapsh: bad.osh:2:10:" : "$O" -f bad.osh
t expansion-error 2 -e "@ocapsh: -c:1:6: unterminated \${" : "$O" -c 'echo ${FOO'
t marked-word-error-position 125 \
	-e "@ocapsh: -c:1:17: /nonexistent/x: No such file or directory" : \
	"$O" -c 'cp notes.txt => /nonexistent/x'
t shell-grant-error 125 \
	-e "@ocapsh: grant 1: /nonexistent: No such file or directory" : \
	"$O" --ro /nonexistent -c 'true'
t not-executable 126 -e "@ocapsh: -c:1:10: ./notes.txt: Permission denied" \
	-o "=ok" : "$O" -c 'echo ok; ./notes.txt'
t script-missing 127 -e "@ocapsh: nosuch.osh: No such file or directory" : \
	"$O" -f nosuch.osh
t dash-c-missing-value 125 -e "@ocapsh: argument 1: -c: missing value" : "$O" -c
t dash-c-then-more 125 -e "@ocapsh: argument 3: nothing may follow -c x" : \
	"$O" -c x y
t explain-needs-program 125 -e "@ocapsh: --explain needs a program" : \
	"$O" --explain -c 'cat notes.txt'
t bad-shell-grant 125 -e "%unknown option '--bogus'" : "$O" --bogus -c true
t help-lists-shell 0 -o "~-c STRING" -o "~-f SCRIPT" : "$O" --help

# ---- scripts --------------------------------------------------------------------
cat >script.osh <<'EOF'
# a comment line
cat notes.txt
sort < in | tr a-z A-Z \
	| wc -l
cp notes.txt => from-script.txt && echo copied
exit 4
echo not-reached
EOF
t script-file 4 -o "=$(printf '%s\n3\ncopied' "$NOTES")" : "$O" -f script.osh
post "the script's cp wrote" file_is from-script.txt "$NOTES"
t script-stdin 0 -o "=$NOTES" : sh -c "echo 'cat notes.txt' | '$O'"
t script-stdin-status 3 : sh -c "printf 'true\nexit 3\n' | '$O'"

finish
