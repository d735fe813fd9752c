#!/bin/bash
# SPDX-License-Identifier: MIT
# ocapsh --exec: the program runs in place of ocapsh (same pid), confined
# by the same stages, with no broker; what needs the broker is refused
# in one line and runs nothing; the exit status is the program's own.
# Usage: cli_exec.sh OCAPSH [--as-nobody]
. "$(dirname "$0")/lib.sh"
cli_start "$0" "$@"

mkdir -m 0755 d
printf 'granted\n' >d/pub
chmod 0644 d/pub
canary "$T/secret" "exec-canary-$$"
G=(--rx /usr --rx /bin --ro /proc --ro "$T/d")
X=(--exec "${G[@]}")

# (1) In place: the shell's pid is the program's, printed twice.
t "same pid" 0 -o '/^([0-9]+)\n?$' : sh -c 'echo $$; exec "$0" --exec --rx /usr -- sh -c "echo \$\$"' "$OCAPSH"
if [ "$st" = 0 ] && [ "$(sort -u "$OUT" | wc -l)" != 1 -o "$(wc -l <"$OUT")" != 2 ]; then
	fail_case "same pid" "two different pids: $(tr '\n' ' ' <"$OUT")"
fi
t "no broker process" 0 -o '=0' : "$OCAPSH" "${X[@]}" -- sh -c \
	'grep -c "" /proc/$$/task/*/children | awk -F: "{ n += \$2 } END { print n }"'

# (2) Confined.
t "granted file read" 0 -o '=granted' : "$OCAPSH" "${X[@]}" -- cat "$T/d/pub"
t "ungranted file refused" 1 -o - -e '~Permission denied' : "$OCAPSH" "${X[@]}" -- cat "$T/secret"
t "write to --ro refused" 2 -e '~Permission denied' : "$OCAPSH" "${X[@]}" -- sh -c "echo x >'$T/d/pub'"
post "the --ro file is unchanged" file_is "$T/d/pub" granted
t "no_new_privs and seccomp" 0 -o '~NoNewPrivs:	1' -o '~Seccomp:	2' : \
	"$OCAPSH" "${X[@]}" -- grep -E '^(NoNewPrivs|Seccomp):' /proc/self/status
t "no capability" 0 -o '=CapEff:	0000000000000000' : \
	"$OCAPSH" "${X[@]}" -- grep '^CapEff:' /proc/self/status
t "no private tmpdir" 0 -o '=' : "$OCAPSH" "${X[@]}" -- sh -c 'echo "$TMPDIR"'
# No root descriptor: fd 3 (held open here by the caller) is closed at
# exec with the grants' descriptors, and OCAP_ROOT is not set.
FDS='for i in $(seq 3 30); do [ -e /proc/self/fd/$i ] && echo "fd $i"; done
[ -n "${OCAP_ROOT+x}" ] && echo "OCAP_ROOT=$OCAP_ROOT"; echo end'
t "no root descriptor" 0 -o '=end' : sh -c 'exec 3<"$1"; exec "$0" --exec --rx /usr --ro /proc -- sh -c "$2"' \
	"$OCAPSH" "$T/d/pub" "$FDS"
t "a launch has its root descriptor" 0 -o '~fd 3' -o '~OCAP_ROOT=3' : \
	"$OCAPSH" --rx /usr --ro /proc -- sh -c "$FDS"

# (3) Each option that needs the broker: one line naming it, nothing run.
refused() { # NAME TEXT OPTION...
	local name=$1 text=$2
	shift 2
	rm -f "$T/d/marker"
	t "refused: $name" 125 -e "@ocapsh: " -e "~$text" : \
		"$OCAPSH" --exec --rx /usr --rw "$T/d" --best-effort "$@" -- \
		sh -c "touch '$T/d/marker'"
	post "nothing ran" absent "$T/d/marker"
}
chmod 0777 d
refused "connect to a host" "--connect (tcp:example.org:443)" --connect example.org:443
refused "listen" "--listen" --listen 127.0.0.1:8080
refused "udp" "--udp" --udp 127.0.0.1:53
refused "unix" "--connect (unix:" --connect "unix:$T/sock"
refused "suggest" "--suggest" --suggest
refused "learn" "--learn" --learn "$T/d/learned"
refused "hide-metadata" "--hide-metadata" --hide-metadata
refused "verbose" "-v" -v
refused "keep-tmpdir" "--keep-tmpdir" --keep-tmpdir
refused "native mode" "native mode" --mode native
t "refused: write grant without --best-effort" 125 -e '%--exec' -e '~Hint: --best-effort' : \
	"$OCAPSH" --exec --rx /usr --rw "$T/d" -- sh -c "touch '$T/d/marker'"
post "nothing ran" absent "$T/d/marker"
t "refused: a shell" 125 -e '=ocapsh: --exec needs a program' : "$OCAPSH" --exec -c true
t "--connect *:PORT runs" 0 -o '=ran' : "$OCAPSH" --exec --rx /usr --connect '*:443' -- echo ran

# (4) The program's status, 126 and 127 as env(1).
t "status 0" 0 : "$OCAPSH" "${X[@]}" -- true
t "status 42" 42 : "$OCAPSH" "${X[@]}" -- sh -c 'exit 42'
t "signal" 137 : "$OCAPSH" "${X[@]}" -- sh -c 'kill -9 $$'
t "not found" 127 -e '@ocapsh: ' : "$OCAPSH" --exec --rx /usr -- "$T/d/none"

# (5) --explain says so.
t "explain" 0 -o '~launch:       in place (--exec)' -o '~given up:     descendant cleanup' \
	-o '!broker:       a process' -o '/seccomp: +default-deny compat program' : \
	"$OCAPSH" --explain "${X[@]}" -- true
t "explain json" 0 -o '~"launch":"in place"' -o '~"broker":null' -o '~"supervised":false' : \
	"$OCAPSH" --explain=json "${X[@]}" -- true
t "explain without --exec: a broker" 0 -o '!in place' -o '~broker:       a process' : \
	"$OCAPSH" --explain "${G[@]}" -- true
finish
