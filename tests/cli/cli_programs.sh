#!/bin/bash
# SPDX-License-Identifier: MIT
# cli_programs: real programs under the real ocapsh, in compat mode, each
# with exactly its grants and each failing cleanly without them.  A canary
# file outside every grant must never be read (its content never shows up
# in any output) nor changed (checksum after every case).
#
# usage: cli_programs.sh OCAPSH [--as-nobody]
# --as-nobody runs the same cases as uid/gid 65534 (setpriv), with the
# ocapsh binary and the fixtures copied where that user can read them and
# the canary readable by it, so every denial seen is the sandbox's.
set -u
. "$(dirname "$0")/lib.sh"

cli_start cli_programs.sh "$@"
O=$OCAPSH

# ---- fixtures ------------------------------------------------------------
umask 022
mkdir -p "$T/ro/sub" "$T/rw" "$T/canary" "$T/progs"
RO_TEXT="granted-ro-content-$$"
printf '%s\n' "$RO_TEXT" >"$T/ro/a.txt"
printf 'pear\napple\nfig\n' >"$T/ro/unsorted.txt"
printf 'deep\n' >"$T/ro/sub/b.txt"
ln -s ../canary/secret.txt "$T/ro/link"
LS_RO=$'a.txt\nlink\nsub\nunsorted.txt'
canary "$T/canary/secret.txt" "CANARY-$RANDOM$RANDOM-must-stay-unread"
CANARY=$CANARY_FILE
printf '#!/bin/sh\necho should-not-run\n' >"$T/progs/noexec"
chmod 0644 "$T/progs/noexec"
printf '\x7fNOT\x01\x02 an executable of any kind\n' >"$T/progs/junk"
printf '#!/nonexistent/interp\necho should-not-run\n' >"$T/progs/badinterp"
printf '#!/bin/sh\necho script-ran\n' >"$T/progs/script.sh"
chmod 0755 "$T/progs/junk" "$T/progs/badinterp" "$T/progs/script.sh"
if [ "$AS" = --as-nobody ]; then
	chown 65534:65534 "$T/rw"
	# The canary is readable by uid 65534 as far as file modes go: any
	# denial below comes from the sandbox.
	if ! "${RUNAS[@]}" cat "$CANARY" >/dev/null 2>&1; then
		echo "FAIL: uid 65534 cannot read the canary even outside ocapsh"
		exit 1
	fi
fi
DENIED='Permission denied|No such file'

# ---- compat mode ------------------------------------------------------------
# Every program below is an unmodified glibc binary: auto picks compat.
WANT_ID="uid=0(root) gid=0(root) groups=0(root)"
[ "$AS" = --as-nobody ] &&
	WANT_ID="uid=65534(nobody) gid=65534(nogroup) groups=65534(nogroup)"
# With names: the runtime grants /etc/passwd and /etc/group.
t "runs-as-${WANT_ID%%(*}" 0 -o "=$WANT_ID" : "$O" -- id
t explain-says-compat 0 -o "/^mode: +compat \(auto\)$" \
	: "$O" --explain --ro "$T/ro" -- cat "$T/ro/a.txt"

# ---- cat: --ro on the directory or on the file itself -------------------------
t cat-granted-dir 0 -o "=$RO_TEXT" \
	: "$O" --ro "$T/ro" -- cat "$T/ro/a.txt"
t cat-granted-file 0 -o "=$RO_TEXT" \
	: "$O" --ro "$T/ro/a.txt" -- cat "$T/ro/a.txt"
t cat-beside-granted-file 1 -e "~Permission denied" \
	: "$O" --ro "$T/ro/a.txt" -- cat "$T/ro/unsorted.txt"
t cat-no-grant 1 -e "/$DENIED" \
	: "$O" -- cat "$T/ro/a.txt"
t cat-canary 1 -e "/$DENIED" \
	: "$O" --ro "$T/ro" -- cat "$CANARY"
t cat-canary-dotdot 1 -e "/$DENIED" \
	: "$O" --ro "$T/ro" -- cat "$T/ro/../canary/secret.txt"
t cat-canary-symlink 1 -e "/$DENIED" \
	: "$O" --ro "$T/ro" -- cat "$T/ro/link"
# --grant DIR=list: the names, not the contents.
t ls-list-right 0 -o "=$LS_RO" \
	: "$O" --grant "$T/ro=list" -- ls "$T/ro"
t cat-list-right 1 -e "~Permission denied" \
	: "$O" --grant "$T/ro=list" -- cat "$T/ro/a.txt"

# ---- ls: --ro on the directory ---------------------------------------------
t ls-granted 0 -o "=$LS_RO" \
	: "$O" --ro "$T/ro" -- ls "$T/ro"
t ls-granted-sub 0 -o "=b.txt" \
	: "$O" --ro "$T/ro" -- ls "$T/ro/sub"
t ls-no-grant 2 -e "/$DENIED" \
	: "$O" -- ls "$T/ro"
t ls-canary-dir 2 -e "/$DENIED" \
	: "$O" --ro "$T/ro" -- ls "$T/canary"

# ---- cp: --ro source, --rw destination -------------------------------------
t cp-ro-to-rw 0 \
	: "$O" --ro "$T/ro" --rw "$T/rw" -- cp "$T/ro/a.txt" "$T/rw/copy.txt"
post "rw/copy.txt holds a.txt" file_is "$T/rw/copy.txt" "$RO_TEXT"
t cp-ro-to-ro 1 -e "~Permission denied" \
	: "$O" --ro "$T/ro" --rw "$T/rw" -- cp "$T/ro/a.txt" "$T/ro/new.txt"
post "nothing created in the --ro dir" absent "$T/ro/new.txt"
t cp-without-rw 1 -e "/$DENIED" \
	: "$O" --ro "$T/ro" -- cp "$T/ro/a.txt" "$T/rw/copy2.txt"
post "nothing created without --rw" absent "$T/rw/copy2.txt"
t cp-canary-out 1 -e "/$DENIED" \
	: "$O" --ro "$T/ro" --rw "$T/rw" -- cp "$CANARY" "$T/rw/stolen"
post "the canary was not copied" absent "$T/rw/stolen"
t cp-over-canary 1 -e "/$DENIED" \
	: "$O" --ro "$T/ro" --rw "$T/rw" -- cp "$T/ro/a.txt" "$CANARY"

# ---- sort: --ro on the input, output to stdout --------------------------------
t sort-granted 0 -o $'=apple\nfig\npear' \
	: "$O" --ro "$T/ro" -- sort "$T/ro/unsorted.txt"
t sort-canary 2 -e "/$DENIED" \
	: "$O" --ro "$T/ro" -- sort "$CANARY"

# ---- sh -c: --rx /usr/bin for the commands it runs (cat, sort, wc), --ro on
# its input, --rw on its output directory.  sh itself needs no grant: the
# launcher grants the program and its ELF interpreter.
SCRIPT='cat "$1" | sort >"$2/sorted" && wc -l <"$2/sorted"'
t sh-script 0 -o "=3" \
	: "$O" --rx /usr/bin --ro "$T/ro" --rw "$T/rw" \
	-- sh -c "$SCRIPT" sh "$T/ro/unsorted.txt" "$T/rw"
post "rw/sorted is sorted" file_is "$T/rw/sorted" $'apple\nfig\npear'
# Without --rx /usr/bin the shell starts but cannot run cat or sort.
t sh-script-no-rx 126 -e "~cat: Permission denied" -e "~sort: Permission denied" \
	: "$O" --ro "$T/ro" --rw "$T/rw" \
	-- sh -c "$SCRIPT" sh "$T/ro/unsorted.txt" "$T/rw"
t sh-read-canary 1 -e "/$DENIED" \
	: "$O" --rx /usr/bin -- sh -c 'cat "$1"' sh "$CANARY"
t sh-write-canary 2 -e "/$DENIED" \
	: "$O" --rx /usr/bin --rw "$T/rw" -- sh -c 'echo overwritten >"$1"' sh "$CANARY"
t sh-append-canary 2 -e "/$DENIED" \
	: "$O" --rx /usr/bin -- sh -c 'echo appended >>"$1"' sh "$CANARY"

# ---- python3: --ro on the data, nothing else (the runtime set holds
# /usr/lib/python3.11; Debian's sitecustomize.py there links into /etc,
# but its cached .pyc beside it is what gets read).
PY_READ='import sys; print(open(sys.argv[1]).read())'
t python-granted 0 -o "=$RO_TEXT" \
	: "$O" --ro "$T/ro" \
	-- /usr/bin/python3 -c "$PY_READ" "$T/ro/a.txt"
t python-canary 1 -e "~PermissionError: [Errno 13] Permission denied" \
	: "$O" --ro "$T/ro" \
	-- /usr/bin/python3 -c "$PY_READ" "$CANARY"
t python-write-ro 1 -e "~PermissionError: [Errno 13] Permission denied" \
	: "$O" --ro "$T/ro" \
	-- /usr/bin/python3 -c 'import sys; open(sys.argv[1], "w")' "$T/ro/py.txt"
post "python created nothing in the --ro dir" absent "$T/ro/py.txt"

# ---- make: its children call setresuid/setresgid before each recipe.  The
# recipe sorts into the --rw directory; the result is what is judged.
mkdir -p "$T/mk"
printf 'sorted.txt: unsorted.txt\n\tsort unsorted.txt >sorted.txt\n' \
	>"$T/mk/Makefile"
cp "$T/ro/unsorted.txt" "$T/mk/"
[ "$AS" = --as-nobody ] && chown -R 65534:65534 "$T/mk"
t make-recipe 0 -o "=sort unsorted.txt >sorted.txt" \
	: "$O" --rx /usr/bin --rw "$T/mk" -- make -C "$T/mk" --no-print-directory
post "make sorted into mk/" file_is "$T/mk/sorted.txt" $'apple\nfig\npear'

# ---- the private temporary directory: TMPDIR, TMP and TEMP name a fresh
# directory, read-write, gone after the run; removing it follows no link
# the program left there.
TMP_BASE=${TMPDIR:-/tmp}
TMP_RE="^(${TMP_BASE%/}/ocap\.[A-Za-z0-9]{6}) \1 \1$"
mkdir -p "$T/keepout"
printf 'precious\n' >"$T/keepout/file"
[ "$AS" = --as-nobody ] && chown -R 65534:65534 "$T/keepout"
TMP_SCRIPT='echo "$TMPDIR $TMP $TEMP"
echo data >"$TMPDIR/f" && read -r l <"$TMPDIR/f" && echo "$l" &&
mkdir "$TMPDIR/a" "$TMPDIR/a/b" && echo deep >"$TMPDIR/a/b/g" &&
ln -s "$1" "$TMPDIR/a/link" && ln -s "$1/file" "$TMPDIR/flink"'
tmpdir_gone() {
	local d
	d=$(head -n1 "$OUT" | cut -d' ' -f1)
	[ -n "$d" ] && [ ! -e "$d" ]
}
t tmpdir-private 0 -o "/$TMP_RE" -o "~data" \
	: "$O" --rx /usr/bin -- /bin/sh -c "$TMP_SCRIPT" sh "$T/keepout"
post "the directory is gone" tmpdir_gone
post "what its links named is intact" file_is "$T/keepout/file" precious
t tmpdir-keep 0 -o "/$TMP_RE" -e "/^ocapsh: kept ${TMP_BASE%/}/ocap\." \
	: "$O" --keep-tmpdir --rx /usr/bin -- /bin/sh -c "$TMP_SCRIPT" sh "$T/keepout"
tmpdir_kept() {
	local d
	d=$(head -n1 "$OUT" | cut -d' ' -f1)
	[ -n "$d" ] && file_is "$d/a/b/g" deep && rm -rf -- "$d"
}
post "the kept directory holds what was written" tmpdir_kept
t tmpdir-none 0 -o "!TMPDIR=" -o "!TEMP=" : "$O" --no-tmpdir -- env
# make runs cc, which needs the runtime's headers and toolchain helpers
# (cc1 under /usr/lib/gcc) and writes its intermediate files to TMPDIR:
# the user grants only the commands and the project.
mkdir -p "$T/cc"
printf 'int main(void) { return 0; }\n' >"$T/cc/hello.c"
printf 'hello.o: hello.c\n\tcc -c hello.c\n' >"$T/cc/Makefile"
[ "$AS" = --as-nobody ] && chown -R 65534:65534 "$T/cc"
elf_object() { [ "$(head -c4 "$1" | od -An -c | tr -d ' ')" = '177ELF' ]; }
t make-cc 0 -o "=cc -c hello.c" \
	: "$O" --rx /usr/bin --rw "$T/cc" -- make -C "$T/cc" --no-print-directory
post "cc wrote an ELF object" elf_object "$T/cc/hello.o"

# ---- chmod(1) calls fchmodat: the supervisor performs it inside a write
# grant and refuses it in a read-only one; --allow-syscall chmod lets the
# kernel take the call unchecked, as the user asked.
printf 'x\n' >"$T/cc/mode"
chmod 0644 "$T/cc/mode"
[ "$AS" = --as-nobody ] && chown 65534:65534 "$T/cc/mode"
mode_is() { [ "$(stat -c %a "$1")" = "$2" ]; }
t chmod-rw 0 : "$O" --rx /usr/bin --rw "$T/cc" -- chmod 0755 "$T/cc/mode"
post "the mode is 755" mode_is "$T/cc/mode" 755
t chmod-ro-refused 1 -e "~Permission denied" \
	: "$O" --rx /usr/bin --ro "$T/cc" -- chmod 0700 "$T/cc/mode"
post "the mode is unchanged" mode_is "$T/cc/mode" 755
t chmod-allowed 0 : "$O" --allow-syscall chmod --rx /usr/bin --ro "$T/cc" \
	-- chmod 0750 "$T/cc/mode"
post "the mode is 750" mode_is "$T/cc/mode" 750

# ---- the runtime's public configuration, and no secret beside it; the
# interpreter "#!/usr/bin/env NAME" names, found in the program's PATH.
t runtime-passwd 0 -o "~root:x:0:0:" : "$O" -- cat /etc/passwd
t runtime-no-shadow 1 -e "/$DENIED" : "$O" -- cat /etc/shadow
printf '#!/usr/bin/env python3\nprint("env-found-python")\n' >"$T/progs/envpy"
chmod 0755 "$T/progs/envpy"
t env-interpreter 0 -o "=env-found-python" \
	: env PATH=/usr/bin:/bin "$O" -- "$T/progs/envpy"

# ---- select(): glibc's is pselect6.  A line waiting on standard input is
# reported readable and read.
PY_SELECT='import select, sys
r, _, _ = select.select([sys.stdin], [], [], 5)
print(sys.stdin.readline().strip() if r else "timed out")'
t select-stdin 0 -o "=line-on-stdin" \
	: sh -c 'echo line-on-stdin | "$@"' sh "$O" \
	-- /usr/bin/python3 -c "$PY_SELECT"

# ---- calls the corpus in launcher/linux/ALLOWLIST.md needed, each judged
# by what the program produced.  A program this machine lacks is skipped.
have() { # PROGRAM CASE
	command -v "$1" >/dev/null && return 0
	skip "$2" "$1 is not installed"
	return 1
}

# waitid: Python's os.waitid (and Go's exec.Cmd.Wait) wait with it.
PY_WAITID='import os
pid = os.fork()
if pid == 0:
    os._exit(7)
print(os.waitid(os.P_PID, pid, os.WEXITED).si_status)'
t python-waitid 0 -o "=7" : "$O" -- /usr/bin/python3 -c "$PY_WAITID"

# mincore: fincore(1) counts a file's pages in the page cache.
if have fincore fincore-mincore; then
	t fincore-mincore 0 -o "/^[0-9]+ $T/ro/a.txt$" \
		: "$O" --ro "$T/ro" \
		-- fincore --raw --noheadings -o PAGES,FILE "$T/ro/a.txt"
fi

# mlock: gpg locks the memory that holds its keys, and warns when it
# cannot.
if have gpg gpg-secure-memory; then
	mkdir -m 0700 "$T/gnupg"
	[ "$AS" = --as-nobody ] && chown 65534:65534 "$T/gnupg"
	t gpg-secure-memory 0 -o "%$T/ro/a.txt: " -e "!insecure memory" \
		: env GNUPGHOME="$T/gnupg" "$O" --env GNUPGHOME --rw "$T/gnupg" \
		--ro "$T/ro" -- gpg --batch --print-md SHA256 "$T/ro/a.txt"
fi

# getrlimit, setrlimit: the Go runtime raises its soft descriptor limit to
# the hard one, so the plugin that age (Go) starts inherits the hard one.
# The plugin, found in PATH by the recipient's name, writes the limit it
# got and answers age's plugin protocol with one stanza.
AGE_PLUGIN='#!/bin/sh
ulimit -Sn >"$NOFILE_OUT"
while read -r l; do [ "$l" = "-> done" ] && break; done
read -r l
printf -- "-> recipient-stanza 0 ocap\neA\n"
read -r l && read -r l
printf -- "-> done\n\n"'
HARD=$(ulimit -Hn)
if ! have age go-rlimit; then
	:
elif [ "$HARD" = unlimited ] || [ "$HARD" -le 1024 ]; then
	skip go-rlimit "the hard descriptor limit is $HARD: nothing to raise"
else
	mkdir -p "$T/plug" "$T/plugout"
	printf '%s\n' "$AGE_PLUGIN" >"$T/plug/age-plugin-ocap"
	chmod 0755 "$T/plug/age-plugin-ocap"
	[ "$AS" = --as-nobody ] && chown 65534:65534 "$T/plugout"
	t go-rlimit 0 : sh -c 'ulimit -Sn 1024 && exec "$@"' sh \
		env PATH="$T/plug:/usr/bin:/bin" NOFILE_OUT="$T/plugout/n" \
		"$O" --env PATH --env NOFILE_OUT --rx "$T/plug" --rx /usr/bin \
		--rw "$T/plugout" --ro "$T/ro" \
		-- age -r age1ocap1qqqqqqqqmh9pj0 -o "$T/plugout/a.age" "$T/ro/a.txt"
	post "the plugin inherited the hard limit" \
		file_is "$T/plugout/n" "$HARD"
	post "age wrote the plugin's stanza" \
		grep -qx -- '-> ocap' "$T/plugout/a.age"
fi

# clock_getres: the JVM checks a thread's CPU clock by its resolution and
# reads /proc, which is not granted, when it cannot.
JAVA=$(readlink -f "$(command -v java)" 2>/dev/null)
if [ -z "$JAVA" ] || ! "$JAVA" -version >/dev/null 2>&1; then
	skip java-thread-cputime "no Java runtime that starts"
else
	JHOME=${JAVA%/bin/java}
	# Debian keeps the configuration in /etc, linked from conf/.
	JCONF=$(readlink -f "$JHOME/conf/security/java.security")
	JCONF=${JCONF%/security/java.security}
	JGRANTS=(--rx "$JHOME")
	case $JCONF in "$JHOME"/*) ;; *) JGRANTS+=(--ro "$JCONF") ;; esac
	mkdir -p "$T/java"
	cat >"$T/java/Cpu.java" <<'EOF'
public class Cpu {
    public static void main(String[] a) {
        long t = java.lang.management.ManagementFactory.getThreadMXBean()
            .getCurrentThreadCpuTime();
        System.out.println(t > 0 ? "thread-cpu-time" : "none " + t);
    }
}
EOF
	t java-thread-cputime 0 -o "=thread-cpu-time" \
		: "$O" "${JGRANTS[@]}" \
		--ro "$T/java" -- "$JAVA" -XX:-UsePerfData "$T/java/Cpu.java"
fi

# ---- network: a server on 127.0.0.1 started here, outside any sandbox ------------
SERVER='import os, socket, sys
d = sys.argv[1]
def put(name, text):
    with open(d + "/" + name + ".tmp", "w") as f:
        f.write(text)
    os.rename(d + "/" + name + ".tmp", d + "/" + name)
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 0))
s.listen(16)
other = socket.socket()
other.bind(("127.0.0.1", 0))
put("other", str(other.getsockname()[1]))
other.close()
put("conns", "0")
put("port", str(s.getsockname()[1]))
put("ready", "")
n = 0
while True:
    c, _ = s.accept()
    n += 1
    put("conns", str(n))
    c.sendall(b"hello-from-server\n")
    c.close()'
CLIENT='import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
print(s.makefile().readline(), end="")'
conns_are() { [ "$(cat "$T/.srv/conns")" = "$1" ]; }

if [ "$ABI" -lt 4 ]; then
	skip network "Landlock ABI $ABI has no TCP rules (needs 4)"
else
	serve_py "$T/.srv" "$SERVER" || exit 1
	PORT=$(cat "$T/.srv/port")
	OTHER=$(cat "$T/.srv/other")

	t connect-granted 0 -o "=hello-from-server" \
		: "$O" --connect "*:$PORT" \
		-- /usr/bin/python3 -c "$CLIENT" "$PORT"
	post "the server saw 1 connection" conns_are 1
	t connect-no-grant 1 -e "~PermissionError: [Errno 13] Permission denied" \
		: "$O" -- /usr/bin/python3 -c "$CLIENT" "$PORT"
	post "the server saw no new connection" conns_are 1
	t connect-other-port 1 -e "~PermissionError: [Errno 13] Permission denied" \
		: "$O" --connect "*:$OTHER" \
		-- /usr/bin/python3 -c "$CLIENT" "$PORT"
	post "the server saw no new connection" conns_are 1
	# Supervised, compat mode judges the host too: the broker connects
	# the program's own socket (cli_supervise_net has the rest).
	t connect-host-supervised 0 -o "=hello-from-server" \
		: "$O" --connect "127.0.0.1:$PORT" \
		-- /usr/bin/python3 -c "$CLIENT" "$PORT"
	post "the server saw 2 connections" conns_are 2
fi

# ---- privileges: run as root, the program holds no capability at all
# (effective, permitted, inheritable, bounding, ambient), and no_new_privs
# is set.  /proc is granted only to read its own status.
if [ "$(id -u)" = 0 ] && [ ${#RUNAS[@]} -eq 0 ]; then
	t caps-dropped 0 -o "~CapInh:	0000000000000000" \
		-o "~CapPrm:	0000000000000000" -o "~CapEff:	0000000000000000" \
		-o "~CapBnd:	0000000000000000" -o "~CapAmb:	0000000000000000" \
		-o "~NoNewPrivs:	1" \
		: "$O" --ro /proc -- /usr/bin/grep -E '^(Cap|NoNewPrivs)' \
		/proc/self/status
fi

# ---- exit status ---------------------------------------------------------------
t exit-0 0 : "$O" -- sh -c 'exit 0'
t exit-7 7 : "$O" -- sh -c 'exit 7'
t exit-255 255 : "$O" -- sh -c 'exit 255'
t sigterm-self 143 : "$O" -- sh -c 'kill -TERM $$'
t sigkill-self 137 : "$O" -- sh -c 'kill -KILL $$'

# SIGTERM from outside, to the sandboxed program (not to ocapsh).  timeout
# bounds the whole run: timeout -> ocapsh (behind $RUNAS, which execs) ->
# sleep.
ext_sigterm() {
	local tpid opid= cpid= bad=()
	ncases=$((ncases + 1))
	last_case=sigterm-external
	timeout -k 2 "$CASE_TIMEOUT" "${RUNAS[@]}" "$O" -- /usr/bin/sleep 30 \
		</dev/null >"$OUT" 2>"$ERR" &
	tpid=$!
	# timeout -> ocapsh -> its broker -> sleep
	for _ in $(seq 200); do
		opid=$(pgrep -P "$tpid" | head -n1)
		bpid=${opid:+$(pgrep -P "$opid" | head -n1)}
		[ -n "$bpid" ] && cpid=$(pgrep -P "$bpid" -x sleep) && break
		sleep 0.05
	done
	if [ -n "$cpid" ]; then
		kill -TERM "$cpid"
	else
		bad+=("no sleep under ocapsh (timeout pid $tpid) appeared")
		kill -KILL "$tpid" ${opid:+"$opid"} 2>/dev/null
	fi
	wait "$tpid"
	st=$?
	[ "$st" = 143 ] || bad+=("exit status $st, expected 143")
	check_spec "$OUT" - || bad+=("stdout: $why")
	check_spec "$ERR" - || bad+=("stderr: $why")
	if [ ${#bad[@]} -gt 0 ]; then
		fail_case sigterm-external "${bad[@]}"
		show stderr "$ERR"
	else
		echo "ok: sigterm-external"
	fi
}
ext_sigterm

# ---- the program: 127 not found, 126 cannot execute ---------------------------------
t not-found-path 127 -e "@ocapsh: $T/progs/nonexistent: No such file or directory" \
	: "$O" -- "$T/progs/nonexistent"
t not-found-in-PATH 127 -e "@ocapsh: no-such-program-ocap: command not found" \
	: "$O" -- no-such-program-ocap
t not-executable 126 -e "@ocapsh: $T/progs/noexec: Permission denied" \
	: "$O" -- "$T/progs/noexec"
# Found and executable by mode, but no format the kernel can run: "cannot
# execute" (DESIGN.md: 126), not a failure of ocapsh itself.
t not-an-executable 126 -e "@ocapsh: " -e "%$T/progs/junk" \
	: "$O" -- "$T/progs/junk"
t directory-as-program 126 -e "@ocapsh: " -e "%$T/progs" \
	: "$O" -- "$T/progs"
t script-interpreter-missing 127 -e "@ocapsh: $T/progs/badinterp: " \
	: "$O" -- "$T/progs/badinterp"
t script-runs 0 -o "=script-ran" \
	: "$O" -- "$T/progs/script.sh"

# ---- environment -------------------------------------------------------------------
t env-default 0 -o "/^OCAP_ROOT=3$" -o "/^PATH=/usr/bin:/bin$" \
	-o "!SECRET_TOKEN" -o "!OCAP_ROOT=9" \
	: env SECRET_TOKEN=x OCAP_ROOT=9 "$O" -- env
t env-pass 0 -o "/^SECRET_TOKEN=x$" -o "/^OCAP_ROOT=3$" \
	: env SECRET_TOKEN=x "$O" --env SECRET_TOKEN -- env
t env-set 0 -o "/^A=b$" -o "!SECRET_TOKEN" -o "/^OCAP_ROOT=3$" \
	: env SECRET_TOKEN=x "$O" --env A=b -- env
t env-set-overrides 0 -o "/^SECRET_TOKEN=y$" -o "!SECRET_TOKEN=x" \
	: env SECRET_TOKEN=x "$O" --env SECRET_TOKEN=y -- env
t env-inherit 0 -o "/^SECRET_TOKEN=x$" -o "/^OCAP_ROOT=3$" -o "!OCAP_ROOT=9" \
	: env SECRET_TOKEN=x OCAP_ROOT=9 "$O" --inherit-env -- env
t root-fd-open 0 -o "=fd3-open" \
	: "$O" -- sh -c ': <&3 && echo fd3-open'

# ---- delete: --rw may, --ro may not ----------------------------------------------------
t rm-in-rw 0 : "$O" --rw "$T/rw" -- rm "$T/rw/copy.txt"
post "rw/copy.txt is gone" absent "$T/rw/copy.txt"
t rm-in-ro 1 -e "~Permission denied" : "$O" --ro "$T/ro" -- rm -f "$T/ro/a.txt"
post "ro/a.txt is still there" file_is "$T/ro/a.txt" "$RO_TEXT"
t rm-canary 1 -e "/$DENIED" : "$O" --rw "$T/rw" -- rm -f "$CANARY"

post "the canary is intact" file_is "$CANARY" "$CANARY_TEXT"
finish
