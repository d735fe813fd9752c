#!/bin/bash
# SPDX-License-Identifier: MIT
# cli_shell_builtins: the shell's builtins (grant, revoke, caps, explain,
# cd, exit, help) through ocapsh -c, each checked by what a real sandboxed
# program can then reach.  The canary outside every grant is never read.
#
# usage: cli_shell_builtins.sh OCAPSH
set -u
. "$(dirname "$0")/../cli/lib.sh"

OCAPSH=${1:?usage: cli_shell_builtins.sh OCAPSH}
require_sandbox "$OCAPSH"
O=$OCAPSH

setup_tmp
umask 022
W=$T/work S=$T/shared
mkdir -p "$W" "$S" "$T/canary"
cd "$W" || exit 1
NOTES="notes-$RANDOM-granted"
printf '%s\n' "$NOTES" >notes.txt
printf 'shared-file\n' >"$S/f"
canary "$T/canary/secret.txt" "CANARY-$RANDOM$RANDOM-must-stay-unread"
# A program that opens a path given inside a string: only a shell-wide
# grant can let it.
READ_SHARED="/usr/bin/python3 -c \"print(open('$S/f').read(), end='')\""
NONE='no shell-wide grants: each command gets what its command line designates'
TAB=$'\t'

# ---- grant, caps, revoke -----------------------------------------------------
t caps-empty 0 -o "=$NONE" : "$O" -c caps
t caps-from-command-line 0 -o "=1$TAB--ro $S" : "$O" --ro ../shared -c caps
t grant-relative-made-absolute 0 \
	-o "=$(printf '1\t--ro %s\n2\t--grant %s/x=read' "$S" "$W")" : \
	"$O" -c 'grant --ro ../shared --grant=x=read; caps'
t grant-survives-cd 0 -o "=1$TAB--ro $W" : "$O" --ro . -c 'cd ..; caps'
t grant-lets-read 0 -o "=shared-file" : \
	"$O" -c "grant --ro $S; $READ_SHARED"
t no-grant-no-read 1 -e "~PermissionError" : "$O" -c "$READ_SHARED"
t revoke-number 1 -e "~PermissionError" : \
	"$O" -c "grant --ro $S; revoke 1; $READ_SHARED"
t revoke-spelling 0 -o "=1$TAB--rx /usr/bin" : \
	"$O" -c 'grant --ro ../shared --rx /usr/bin; revoke --ro ../shared; caps'
t revoke-all 0 -o "=$NONE" : "$O" --rx /usr/bin --ro . -c 'revoke all; caps'
t revoke-no-such 1 -e "@ocapsh: revoke: 5: no such grant (caps lists them)" : \
	"$O" -c 'revoke 5'
t revoke-not-granted 1 -e "@ocapsh: revoke: --ro /usr: not granted" : \
	"$O" -c 'revoke --ro /usr'
t grant-all-or-nothing 0 -o "=$NONE" -e "%unknown option '--bogus'" : \
	"$O" -c 'grant --ro /usr/share --bogus; caps'
t grant-missing-path 1 \
	-e "@ocapsh: grant: --ro /nonexistent: No such file or directory" : \
	"$O" -c 'grant --ro /nonexistent'
t grant-bad-value 1 -e "%expected auto, native or compat" : \
	"$O" -c 'grant --mode bogus'
# --learn would let every command read outside its grants, writing
# nothing down: ocapsh's command line only.
t grant-no-learn 0 -o "=$NONE" \
	-e "~ocapsh: grant: --learn is for ocapsh's command line, with a program" \
	-e "~PermissionError" : "$O" -c "grant --learn; $READ_SHARED; caps"
t grant-missing-value 1 -e "@ocapsh: grant: --rw: missing value" : \
	"$O" -c 'grant --rw'
t grant-in-pipeline-does-not-last 0 -o "=$NONE" : \
	"$O" -c 'grant --ro /usr | cat; caps'
t shell-wide-rw-then-read 0 -o "=$NOTES" : "$O" --rw . -c 'cat notes.txt'
# A link inside a writable shell-wide grant that leads out of it gets
# nothing from the grant: the plan is refused, the target untouched.
mkdir "$W/rwdir"
ln -s "$CANARY_FILE" "$W/rwdir/link"
t link-out-of-shell-grant 125 \
	-e "/^ocapsh: -c:1:5: .*rwdir/link: inside .*rwdir \(grant 1\)" : \
	"$O" --rw rwdir -c 'cat rwdir/link'
t shell-wide-ro-then-create 0 : "$O" --ro . -c 'cp notes.txt => made.txt'
post "made.txt created" file_is made.txt "$NOTES"

# ---- explain ----------------------------------------------------------------
t explain-designations 0 \
	-o "/file +$W/notes.txt +read,list +1:12" \
	-o "/new file +$W/new.txt +write,create,truncate +1:25" \
	-o "~seccomp:" -o "~landlock:" : \
	"$O" -c 'explain cp notes.txt => new.txt'
post "explain ran nothing" absent new.txt
t explain-under-shell-grant 0 \
	-o "/file +$W/notes.txt +read,write,create,delete,list,truncate +1:13" : \
	"$O" --rw . -c 'explain cat notes.txt'
t explain-plain-strings 0 -o "!$W/hello" : "$O" -c 'explain echo hello'
t explain-builtin 0 -o "~cd: a builtin" : "$O" -c 'explain cd'
t explain-not-found 127 -e "@ocapsh: -c:1:9: nosuch: command not found" : \
	"$O" -c 'explain nosuch'
t explain-usage 2 -e "*" : "$O" -c 'explain'

# ---- cd -------------------------------------------------------------------------
t cd-then-relative 0 -o "=shared-file" : "$O" -c 'cd ../shared; cat f'
t cd-pwd 0 -o "=$T" : "$O" -c 'cd ..; pwd'
t cd-home 0 -o "=$S" : env HOME="$S" "$O" -c 'cd; pwd'
t cd-missing 1 -e "@ocapsh: cd: nowhere: No such file or directory" : \
	"$O" -c 'cd nowhere'
t cd-in-pipeline-does-not-last 0 -o "=$W" : "$O" -c 'cd .. | cat; pwd'

# ---- exit, help, redirections of builtins ---------------------------------------
t exit-status 7 : "$O" -c 'exit 7; echo not-reached'
t exit-last-status 1 : "$O" -c 'false; exit'
t exit-bad 2 -e "%exit: foo:" : "$O" -c 'exit foo'
t help 0 -o "~Builtins:" -o "~explain COMMAND" : "$O" -c help
t builtin-redirect 0 -o "=$(printf '1\t--rx /usr/bin\nafter')" : \
	"$O" --rx /usr/bin -c 'caps > caps.txt; cat caps.txt; echo after'
t builtin-redirect-fails 1 -e "@ocapsh: -c:1:6: /nonexistent/x: No such file or directory" : \
	"$O" -c 'help > /nonexistent/x'
t only-redirect 0 -o "=0" : "$O" -c '> empty.txt; echo $?'
post "empty.txt created" file_is empty.txt ""

finish
