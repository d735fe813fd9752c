# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# The realworld jobs: everyday work with stock Debian programs, each judged
# by its result (the program built runs, modes and times kept, the archive
# lists the right files, the edit is in the file, the server answered),
# never by an exit status alone.  One definition for the battery
# (tests/realworld/run.sh, CTest label realworld) and for bench/run-jobs,
# which runs the same jobs under bubblewrap beside ocapsh.
#
# Job NAME is the function job_NAME and the grants file grants/NAME.grants
# beside this file: the grants a reader of ocapsh(1) would write for it,
# copied into the job's project folder $P (so its relative paths name the
# project) with @PORT@ replaced by the port of the job's local server.
# The job runs its program with "run", in $P, and returns 0 when the
# result is right, 77 after "skip REASON", anything else when it is wrong.
#
# The caller sets T (a scratch folder), MODE (ocapsh or bwrap) and O (the
# ocapsh executable), and exports HOME: a home that is never granted.

RW_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
JOB_TIMEOUT=${JOB_TIMEOUT:-30}
T2001=$(date -d '2001-02-03 04:05:06' +%s)
NPM_HOST=registry.npmjs.org

# rw_env: the environment the jobs run in, as NAME=VALUE words for env -i:
# the caller's is left behind (pip, git or npm settings would change what
# the jobs do), but for where the certificate authorities and the proxy
# are, which the network jobs need on a machine that intercepts TLS.
rw_env() {
	local v
	echo RW_CLEAN=1 PATH=/usr/bin:/bin LC_ALL=C.UTF-8 LANG=C.UTF-8 TERM=xterm \
		SHELL=/bin/sh
	for v in NODE_EXTRA_CA_CERTS SSL_CERT_FILE SSL_CERT_DIR CURL_CA_BUNDLE \
		GIT_SSL_CAINFO http_proxy https_proxy no_proxy HTTP_PROXY \
		HTTPS_PROXY NO_PROXY; do
		[ -n "${!v:-}" ] && echo "$v=${!v}"
	done
}

# The jobs, in the order they are reported: one per grants file.
rw_jobs() {
	local g
	for g in "$RW_DIR"/grants/*.grants; do
		g=${g##*/}
		echo "${g%.grants}"
	done
}

# fixture NAME: a fresh project $P with the inputs every job may use.
fixture() {
	JOB=$1
	P=$T/$MODE-$1
	SERVER_PID=
	PORT=
	rm -rf "$P"
	mkdir -p "$P/in" "$P/out" "$P/tree/sub"
	printf 'pear\napple\nfig\n' >"$P/in/list.txt"
	printf 'int main(void) { return 7; }\n' >"$P/in/hello.c"
	printf '{"a": [1, 2, 3]}\n' >"$P/in/data.json"
	printf 'hello world\n' >"$P/in/text.txt"
	printf 'x\n' >"$P/tree/sub/f"
	ln -s f "$P/tree/sub/link"
	chmod 0750 "$P/tree/sub/f"
	touch -h -d '2001-02-03 04:05:06' "$P/tree/sub/f" "$P/tree/sub/link"
	touch -d '2001-02-03 04:05:06' "$P/tree/sub" "$P/tree"
	tar -C "$P" -cf "$P/in/tree.tar" tree
	rm -rf "$P/tree"
	grants
}

# grants: the job's grants file into $P/job.grants, @PORT@ filled in;
# for the refused runs (run.sh --refused), without the line RW_DROP and
# with the lines RW_ADD.
grants() {
	{
		awk -v drop="${RW_DROP:-}" 'drop == "" || $0 != drop' \
			"$RW_DIR/grants/$JOB.grants"
		[ -z "${RW_ADD:-}" ] || printf '%s\n' "$RW_ADD"
	} | sed "s/@PORT@/${PORT:-0}/g" >"$P/job.grants"
}

# run CMD...: CMD in $P, in the sandbox $MODE names, with a time limit;
# its status is also added to $P/status.  ocapsh gets the job's grants
# file and nothing else (and RW_FLAGS: --suggest in the refused runs,
# --learn in the learned ones);
# bwrap the binds a bwrap user would write: the system read-only, the
# project read-write.
# shellcheck disable=SC2086 # sandbox's words are split on purpose
run() {
	local sb
	# never the job outside its sandbox: no sandbox line, no run
	sb=$(sandbox)
	if [ $? != 0 ] || [ -z "$sb" ]; then
		echo "jobs.sh: no sandbox for $MODE" >>"$P/err"
		echo 125 >>"$P/status"
		return 125
	fi
	(cd "$P" && timeout -k 5 "$JOB_TIMEOUT" $sb "$@") 2>>"$P/err"
	set -- $?
	echo "$1" >>"$P/status"
	return "$1"
}

sandbox() {
	case $MODE in
	# @LEARN@: a file of its own for each ocapsh a learned job runs
	ocapsh) local f=${RW_FLAGS:-}
		echo "$O ${f//@LEARN@/$P/learned.$(date +%s%N).grants}" \
			"--grants $P/job.grants --" ;;
	bwrap) echo "bwrap --ro-bind / / --dev /dev --proc /proc --tmpfs /tmp \
		--bind $P $P --chdir $P --" ;;
	esac
}

# run_bg CMD...: run, in the background; cleanup stops it.
# shellcheck disable=SC2086
run_bg() {
	local sb
	sb=$(sandbox)
	if [ $? != 0 ] || [ -z "$sb" ]; then
		echo "jobs.sh: no sandbox for $MODE" >>"$P/err"
		return 125
	fi
	(cd "$P" && exec timeout -k 5 "$JOB_TIMEOUT" $sb "$@" \
		>/dev/null 2>>"$P/err") &
	SERVER_PID=$!
}

skip() { echo "$*" >"$P/skip"; return 77; }

mode_of() { stat -c %a "$1" 2>/dev/null; }
mtime_of() { stat -c %Y "$1" 2>/dev/null; }
kept() { [ "$(mode_of "$1")" = "$2" ] && [ "$(mtime_of "$1")" = "$T2001" ]; }
same() { [ "$(cat "$1" 2>/dev/null)" = "$2" ]; }

# serve DIR: a python http.server for DIR on 127.0.0.1, its port in PORT
# (and in the grants file).  It runs outside the sandbox.
serve() {
	local i
	/usr/bin/python3 "$RW_DIR/serve.py" "$1" >"$P/port" 2>>"$P/err" &
	SERVER_PID=$!
	for i in $(seq 50); do
		PORT=$(cat "$P/port" 2>/dev/null)
		[ -n "$PORT" ] && break
		sleep 0.1
	done
	[ -n "$PORT" ] || return 1
	grants
}

# The end of a job: its local server stopped.
cleanup() {
	[ -n "${SERVER_PID:-}" ] && kill "$SERVER_PID" 2>/dev/null
	[ -n "${SERVER_PID:-}" ] && wait "$SERVER_PID" 2>/dev/null
	SERVER_PID=
	return 0
}

# in_tmux KEYS...: run the job's command (in $P/cmd.sh) on a terminal in
# a private tmux server, wait for it to draw, send the keys, and keep in
# $P/screen what the screen showed before the last one.
in_tmux() {
	local sock=$T/tmux-$MODE-$JOB i k
	printf '#!/bin/sh\ncd %q && exec timeout --foreground -k 5 %s %s sh ./cmd.sh\n' \
		"$P" "$JOB_TIMEOUT" "$(sandbox)" >"$P/tty.sh"
	tmux -S "$sock" -f /dev/null new-session -d -x 80 -y 24 \
		"sh $P/tty.sh 2>>$P/err; echo ocap-done >$P/done; sleep 5" \
		2>>"$P/err" || return 1
	for i in $(seq 100); do
		tmux -S "$sock" capture-pane -p 2>/dev/null | grep -q . && break
		sleep 0.1
	done
	sleep 0.3
	for k in "$@"; do
		tmux -S "$sock" capture-pane -p >"$P/screen" 2>/dev/null
		tmux -S "$sock" send-keys "$k"
		sleep 0.2
	done
	for i in $(seq 50); do
		[ -e "$P/done" ] && break
		sleep 0.1
	done
	tmux -S "$sock" kill-server 2>/dev/null
	[ -e "$P/done" ]
}

# ---- files and text ----------------------------------------------------------

job_cat() { run cat in/text.txt >"$P/out/o"; grep -qx 'hello world' "$P/out/o"; }
job_sort() { run sort -o out/s in/list.txt; \
	same "$P/out/s" "$(printf 'apple\nfig\npear')"; }
# sort -S 1M on 300000 lines: its runs go to the private TMPDIR.
job_sort_big() { seq 300000 | sort -R --random-source=/dev/zero >"$P/in/big"; \
	run sort -n -S 1M -o out/s in/big; \
	cmp -s "$P/out/s" <(seq 300000); }
job_grep_r() { run grep -r world in >"$P/out/o"; grep -qx 'in/text.txt:hello world' "$P/out/o"; }
job_find() { run find in -name '*.c' >"$P/out/o"; same "$P/out/o" in/hello.c; }
job_find_xargs() { run sh -c "find in -name '*.txt' -print0 | sort -z | xargs -0 wc -l" \
	>"$P/out/o"; grep -q '^ *4 total$' "$P/out/o"; }
job_sha256() { run sha256sum in/text.txt >"$P/out/o"; \
	same "$P/out/o" "$(sha256sum "$P/in/text.txt" | cut -c1-64)  in/text.txt"; }
job_sh_pipeline() { run sh -c 'cat in/list.txt | sort | head -n1 >out/first'; \
	same "$P/out/first" apple; }
job_awk() { printf 'a 1\nb 2\na 3\n' >"$P/in/t"; \
	run awk '{s[$1] += $2} END {print s["a"], s["b"]}' in/t >"$P/out/o"; \
	same "$P/out/o" '4 2'; }
job_sed_i() { cp "$P/in/text.txt" "$P/out/t"; chmod 0640 "$P/out/t"; \
	run sed -i s/world/there/ out/t; \
	same "$P/out/t" 'hello there' && [ "$(mode_of "$P/out/t")" = 640 ]; }
job_perl_pi() { cp "$P/in/text.txt" "$P/out/t"; \
	run perl -pi -e 's/hello/goodbye/' out/t; same "$P/out/t" 'goodbye world'; }
job_diff() { printf 'a\nb\n' >"$P/in/1"; printf 'a\nc\n' >"$P/in/2"; \
	run diff -u in/1 in/2 >"$P/out/o"; [ $? = 1 ] && \
	grep -qx -- -b "$P/out/o" && grep -qx +c "$P/out/o"; }
job_patch() { mkdir -p "$P/out/a" "$P/work/a"; printf 'one\ntwo\n' >"$P/work/a/f"; \
	printf 'one\n2\n' >"$P/out/a/f"; \
	(cd "$P/work" && diff -u a/f "$P/out/a/f" | sed 's|^+++ .*|+++ b/f|; s|^--- .*|--- a/f|' >"$P/in/p.diff"); \
	run patch -d work/a -p1 -i "$P/in/p.diff" >/dev/null; \
	same "$P/work/a/f" "$(printf 'one\n2')"; }
job_file() { run file in/hello.c in/tree.tar >"$P/out/o"; \
	grep -q '^in/hello.c: *C source' "$P/out/o" && grep -q '^in/tree.tar: *POSIX tar' "$P/out/o"; }
job_jq() { run jq '.a | add' in/data.json >"$P/out/o"; same "$P/out/o" 6; }
job_less() { run less in/text.txt >"$P/out/o"; same "$P/out/o" 'hello world'; }
# more, writing to a pipe, heads the file with its name.
job_more() { run more in/list.txt >"$P/out/o"; grep -qx in/list.txt "$P/out/o" && \
	[ "$(tail -n 3 "$P/out/o")" = "$(cat "$P/in/list.txt")" ]; }
job_less_tty() { seq 1000 >"$P/in/n"; printf 'less +/^500$ in/n\n' >"$P/cmd.sh"; \
	in_tmux q && grep -qx 500 "$P/screen" && grep -qx 510 "$P/screen"; }
job_vim_es() { cp "$P/in/text.txt" "$P/out/t"; \
	run vim -es -c '%s/world/vim/' -c wq out/t </dev/null; \
	same "$P/out/t" 'hello vim'; }
job_vim_tty() { cp "$P/in/text.txt" "$P/out/t"; printf 'vim out/t\n' >"$P/cmd.sh"; \
	in_tmux 'A typed' Escape ':wq' Enter && same "$P/out/t" 'hello world typed'; }
job_env_script() { printf '#!/usr/bin/env bash\necho "$BASH_VERSION" >out/v\n' \
	>"$P/in/s"; chmod +x "$P/in/s"; run ./in/s; \
	grep -q '^5\.' "$P/out/v"; }
job_mkdir_mv_rm() { run sh -c 'mkdir -p out/a/b && echo y >out/a/b/f && mv out/a out/c && rm -r out/c/b'; \
	[ -d "$P/out/c" ] && [ ! -e "$P/out/c/b" ] && [ ! -e "$P/out/a" ]; }
job_ln_readlink() { run sh -c 'ln -s ../in/text.txt out/l && readlink out/l && cat out/l' \
	>"$P/out/o"; same "$P/out/o" "$(printf '../in/text.txt\nhello world')"; }
job_split_cat() { seq 1000 >"$P/in/n"; \
	run sh -c 'split -l 300 in/n out/part. && cat out/part.* >out/whole'; \
	set -- "$P"/out/part.*; cmp -s "$P/in/n" "$P/out/whole" && [ $# = 4 ]; }
job_id_names() { run id >"$P/out/o"; \
	grep -q "^uid=$(id -u)($(id -un))" "$P/out/o"; }
job_date_tz() { run date -u -d @981173106 +%FT%T%Z >"$P/out/o"; \
	same "$P/out/o" 2001-02-03T04:05:06UTC; }

# ---- modes and times ---------------------------------------------------------

job_cp_p() { chmod 0640 "$P/in/text.txt"; touch -d '2001-02-03 04:05:06' "$P/in/text.txt"; \
	run cp -p in/text.txt out/t; kept "$P/out/t" 640; }
job_cp_a() { tar -C "$P/in" -xf "$P/in/tree.tar"; run cp -a in/tree out/; \
	kept "$P/out/tree/sub/f" 750 && [ "$(readlink "$P/out/tree/sub/link")" = f ] && \
	[ "$(mtime_of "$P/out/tree/sub")" = "$T2001" ]; }
job_rsync_a() { tar -C "$P/in" -xf "$P/in/tree.tar"; run rsync -a in/tree/ out/tree/; \
	kept "$P/out/tree/sub/f" 750 && [ "$(readlink "$P/out/tree/sub/link")" = f ]; }
job_install_m() { run install -D -m 0755 in/text.txt out/bin/x; \
	[ "$(mode_of "$P/out/bin/x")" = 755 ] && same "$P/out/bin/x" 'hello world'; }
job_chmod_x() { cp "$P/in/text.txt" "$P/out/s"; chmod 0644 "$P/out/s"; \
	run chmod +x out/s; [ "$(mode_of "$P/out/s")" = 755 ]; }
job_touch_d() { cp "$P/in/text.txt" "$P/out/t"; \
	run touch -d '2001-02-03 04:05:06' out/t; [ "$(mtime_of "$P/out/t")" = "$T2001" ]; }

# ---- archives and compression -------------------------------------------------

listing() { tar -t"$1"f "$2" 2>/dev/null | sort | tr '\n' ' '; }
job_tar_x() { run tar -C out -xf in/tree.tar; kept "$P/out/tree/sub/f" 750 && \
	[ "$(readlink "$P/out/tree/sub/link")" = f ]; }
job_tar_cz() { run tar -C in -czf out/a.tgz list.txt text.txt; \
	[ "$(listing z "$P/out/a.tgz")" = "list.txt text.txt " ]; }
job_tar_cj() { run tar -C in -cjf out/a.tbz list.txt hello.c; \
	[ "$(listing j "$P/out/a.tbz")" = "hello.c list.txt " ]; }
job_tar_cJ() { tar -C "$P/in" -xf "$P/in/tree.tar"; run tar -C in -cJf out/a.txz tree; \
	[ "$(listing J "$P/out/a.txz")" = "tree/ tree/sub/ tree/sub/f tree/sub/link " ]; }
job_tar_xz_modes() { tar -C "$P/in" -xf "$P/in/tree.tar"; tar -C "$P/in" -czf "$P/in/t.tgz" tree; \
	rm -rf "$P/in/tree"; run tar -C out -xzf in/t.tgz; kept "$P/out/tree/sub/f" 750; }
job_gzip() { cp "$P/in/text.txt" "$P/out/t"; run gzip out/t; \
	[ ! -e "$P/out/t" ] && [ "$(gzip -dc "$P/out/t.gz")" = 'hello world' ]; }
job_bzip2_k() { cp "$P/in/text.txt" "$P/out/t"; run bzip2 -k out/t; \
	[ -e "$P/out/t" ] && [ "$(bzip2 -dc "$P/out/t.bz2")" = 'hello world' ]; }
job_xz_c() { run sh -c 'xz -c in/text.txt >out/t.xz'; [ "$(xz -dc "$P/out/t.xz")" = 'hello world' ]; }
job_zstd() { seq 10000 >"$P/out/n"; touch -d '2001-02-03 04:05:06' "$P/out/n"; \
	run zstd -q --rm out/n; [ ! -e "$P/out/n" ] && \
	cmp -s <(zstd -dc "$P/out/n.zst") <(seq 10000) && \
	[ "$(mtime_of "$P/out/n.zst")" = "$T2001" ]; }
job_zip_unzip() { run sh -c 'cd in && zip -q ../out/a.zip list.txt text.txt && cd ../out && unzip -q a.zip'; \
	cmp -s "$P/in/list.txt" "$P/out/list.txt" && [ "$(unzip -Z1 "$P/out/a.zip" | tr '\n' ' ')" = "list.txt text.txt " ]; }

# ---- C ---------------------------------------------------------------------------

job_cc_object() { run cc -c in/hello.c -o out/hello.o; \
	[ "$(head -c4 "$P/out/hello.o" | od -An -c | tr -d ' ')" = 177ELF ]; }
job_cc_program() { run cc in/hello.c -o out/hello; "$P/out/hello"; [ $? = 7 ]; }
job_make() { printf 'out/hello: in/hello.c\n\tcc -o $@ $<\n' >"$P/Makefile"; \
	run make -s; "$P/out/hello"; [ $? = 7 ]; }
# Two objects, a static library with ar, make -j2, an install with modes.
job_make_lib() { mkdir -p "$P/src"; \
	printf 'int twice(int x) { return 2 * x; }\n' >"$P/src/lib.c"; \
	printf '#include <stdio.h>\nint twice(int);\nint main(void) { printf("%%d\\n", twice(21)); return 0; }\n' >"$P/src/main.c"; \
	printf 'prog: main.o libt.a\n\t$(CC) -o $@ main.o libt.a\nlibt.a: lib.o\n\t$(AR) rcs $@ $^\n%%.o: src/%%.c\n\t$(CC) -O2 -c -o $@ $<\ninstall: prog\n\tinstall -D -m 0751 prog $(DESTDIR)/bin/prog\n' >"$P/Makefile"; \
	run make -s -j2 install DESTDIR=out; \
	[ "$(mode_of "$P/out/bin/prog")" = 751 ] && [ "$("$P/out/bin/prog")" = 42 ]; }
job_cmake() { mkdir -p "$P/src"; cp "$P/in/hello.c" "$P/src/"; \
	printf 'cmake_minimum_required(VERSION 3.13)\nproject(h C)\nadd_executable(hello hello.c)\n' >"$P/src/CMakeLists.txt"; \
	run sh -c 'cmake -S src -B out/build >/dev/null && cmake --build out/build >/dev/null'; \
	"$P/out/build/hello"; [ $? = 7 ]; }

# ---- python --------------------------------------------------------------------

job_python_json() { run python3 -c \
	"import json,sys; print(sum(json.load(open(sys.argv[1]))['a']))" in/data.json \
	>"$P/out/o"; same "$P/out/o" 6; }
job_python_select() { printf 'line\n' | run python3 -c \
	"import select,sys; r,_,_=select.select([sys.stdin],[],[],5); print(sys.stdin.readline().strip() if r else 'none')" \
	>"$P/out/o"; same "$P/out/o" line; }
job_python_tmp() { run python3 -c \
	"import tempfile; f=tempfile.NamedTemporaryFile(); f.write(b'x'); f.flush(); print('ok')" \
	>"$P/out/o"; same "$P/out/o" ok; }
job_python_mp() { run python3 -c \
	"import multiprocessing as m
if __name__ == '__main__':
    with m.Pool(2) as p: print(sum(p.map(abs, range(-10, 0))))" >"$P/out/o"; \
	same "$P/out/o" 55; }
job_python_venv() { run python3 -m venv --without-pip out/venv; \
	[ "$("$P/out/venv/bin/python3" -c 'import sys; print(sys.prefix)')" = "$P/out/venv" ]; }
# A wheel made here by hand, installed with pip from the project's folder.
mkwheel() { /usr/bin/python3 - "$1" <<'EOF'
import sys, zipfile
d = "rwtool-1.0.dist-info"
files = {"rwtool.py": "def answer():\n    return 42\n",
         d + "/METADATA": "Metadata-Version: 2.1\nName: rwtool\nVersion: 1.0\n",
         d + "/WHEEL": "Wheel-Version: 1.0\nGenerator: hand\nRoot-Is-Purelib: true\nTag: py3-none-any\n"}
with zipfile.ZipFile(sys.argv[1] + "/rwtool-1.0-py3-none-any.whl", "w") as z:
    for n, t in files.items():
        z.writestr(n, t)
    z.writestr(d + "/RECORD", "".join(n + ",,\n" for n in files) + d + "/RECORD,,\n")
EOF
}
job_pip_wheel() { mkdir -p "$P/wheels"; mkwheel "$P/wheels"; \
	run sh -c 'python3 -m venv out/venv && out/venv/bin/python3 -m pip install -q --no-index --find-links wheels rwtool'; \
	[ "$("$P/out/venv/bin/python3" -c 'import rwtool; print(rwtool.answer())')" = 42 ]; }
# An sdist whose build backend is in the sdist itself: pip builds the
# wheel in its isolated environment, with nothing from an index.
job_pip_sdist() { mkdir -p "$P/s/rwsrc-1.0" "$P/dist"; \
	printf '[build-system]\nrequires = []\nbuild-backend = "backend"\nbackend-path = ["."]\n[project]\nname = "rwsrc"\nversion = "1.0"\n' >"$P/s/rwsrc-1.0/pyproject.toml"; \
	printf 'Metadata-Version: 2.1\nName: rwsrc\nVersion: 1.0\n' >"$P/s/rwsrc-1.0/PKG-INFO"; \
	printf 'def answer():\n    return 43\n' >"$P/s/rwsrc-1.0/rwsrc.py"; \
	cat >"$P/s/rwsrc-1.0/backend.py" <<'EOF'
import os, zipfile
D = "rwsrc-1.0.dist-info"
def _files():
    return {"rwsrc.py": open("rwsrc.py").read(),
            D + "/METADATA": "Metadata-Version: 2.1\nName: rwsrc\nVersion: 1.0\n",
            D + "/WHEEL": "Wheel-Version: 1.0\nGenerator: rw\nRoot-Is-Purelib: true\nTag: py3-none-any\n"}
def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    name = "rwsrc-1.0-py3-none-any.whl"
    with zipfile.ZipFile(os.path.join(wheel_directory, name), "w") as z:
        files = _files()
        for n, t in files.items():
            z.writestr(n, t)
        z.writestr(D + "/RECORD", "".join(n + ",,\n" for n in files) + D + "/RECORD,,\n")
    return name
EOF
	tar -C "$P/s" -czf "$P/dist/rwsrc-1.0.tar.gz" rwsrc-1.0; rm -rf "$P/s"; \
	run sh -c 'python3 -m venv out/venv && out/venv/bin/python3 -m pip install -q --no-index --find-links dist rwsrc'; \
	[ "$("$P/out/venv/bin/python3" -c 'import rwsrc; print(rwsrc.answer())')" = 43 ]; }
job_python_http_get() { mkdir -p "$P/www"; echo served >"$P/www/f"; serve "$P/www" || return 1; \
	run python3 -c "import urllib.request as u; print(u.urlopen('http://127.0.0.1:$PORT/f').read().decode().strip())" \
	>"$P/out/o"; cleanup; same "$P/out/o" served; }
# A server in the sandbox, answering a client outside it.
job_python_http_serve() { mkdir -p "$P/www"; echo inside >"$P/www/f"; \
	PORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'); \
	grants; run_bg python3 -m http.server -b 127.0.0.1 -d www "$PORT"; \
	local i; for i in $(seq 50); do curl -s -m 2 -o "$P/out/f" "http://127.0.0.1:$PORT/f" && break; \
		kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done; \
	cleanup; same "$P/out/f" inside; }

# ---- node -----------------------------------------------------------------------

job_node_script() { printf 'const fs = require("fs");\nconst d = JSON.parse(fs.readFileSync("in/data.json"));\nfs.writeFileSync("out/sum", String(d.a.reduce((x, y) => x + y)));\n' >"$P/in/s.js"; \
	run node in/s.js; same "$P/out/sum" 6; }
job_node_env_script() { printf '#!/usr/bin/env node\nconsole.log(process.version.startsWith("v") ? "ok" : "no")\n' >"$P/in/s"; \
	chmod +x "$P/in/s"; run ./in/s >"$P/out/o"; same "$P/out/o" ok; }
# npm install of a package packed here: no network.
job_npm_local() { command -v npm >/dev/null || { skip "npm is not installed"; return; }; \
	mkdir -p "$P/pkg" "$P/app"; \
	printf '{"name":"rwlib","version":"1.0.0","main":"index.js"}\n' >"$P/pkg/package.json"; \
	printf 'module.exports = () => 44;\n' >"$P/pkg/index.js"; \
	(cd "$P/pkg" && HOME=$T/npmhome npm pack -q >/dev/null 2>&1); \
	printf '{"name":"app","version":"1.0.0"}\n' >"$P/app/package.json"; \
	run sh -c 'cd app && npm install --no-audit --no-fund -s ../pkg/rwlib-1.0.0.tgz'; \
	[ "$(cd "$P/app" && node -e 'console.log(require("rwlib")())')" = 44 ]; }
job_npm_registry() { command -v npm >/dev/null || { skip "npm is not installed"; return; }; \
	curl -s -m 5 -o /dev/null "https://$NPM_HOST/is-number" || \
		{ skip "$NPM_HOST is unreachable"; return; }; \
	printf '{"name":"t","version":"1.0.0"}\n' >"$P/out/package.json"; \
	run sh -c 'cd out && npm install --no-audit --no-fund -s is-number@7.0.0'; \
	[ "$(cd "$P/out" && node -e 'console.log(require("is-number")(5))')" = true ]; }

# ---- git --------------------------------------------------------------------------

gitenv() { export GIT_AUTHOR_NAME=a GIT_AUTHOR_EMAIL=a@b GIT_COMMITTER_NAME=a \
	GIT_COMMITTER_EMAIL=a@b; }
hostgit() { git -c safe.directory='*' "$@"; }
job_git_commit() { gitenv; \
	run sh -c 'git init -q out/r && cd out/r && echo x >f && git add f && git commit -qm first'; \
	[ "$(hostgit -C "$P/out/r" log --format=%s 2>/dev/null)" = first ]; }
mkrepo() { gitenv; git init -q "$P/$1" && echo one >"$P/$1/f" && git -C "$P/$1" add f && \
	git -C "$P/$1" commit -qm one; }
job_git_log_diff() { mkrepo repo; echo two >>"$P/repo/f"; \
	run sh -c 'cd repo && git log --format=%s && git diff' >"$P/out/o"; \
	grep -qx one "$P/out/o" && grep -qx '+two' "$P/out/o"; }
job_git_clone() { mkrepo repo; run git clone -q repo out/c; \
	[ "$(hostgit -C "$P/out/c" log --format=%s 2>/dev/null)" = one ] && same "$P/out/c/f" one; }
job_git_branch_merge() { mkrepo repo; \
	run sh -c 'cd repo && git checkout -qb side && echo s >s && git add s && git commit -qm side && git checkout -q - && git merge -q --no-edit side'; \
	[ -f "$P/repo/s" ] && [ "$(hostgit -C "$P/repo" log --format=%s | head -1)" = side ]; }

# ---- databases, network, keys ---------------------------------------------------

job_sqlite() { run sqlite3 out/db 'create table t(x); insert into t values (42);'; \
	[ "$(sqlite3 "$P/out/db" 'select x from t')" = 42 ]; }
# A rolled-back transaction: its journal made, read back and removed.
job_sqlite_journal() { sqlite3 "$P/out/db" 'create table t(x); insert into t values (1);'; \
	run sqlite3 out/db 'begin; insert into t values (2); rollback; insert into t values (3);' \
	'pragma journal_mode=wal;' 'insert into t values (4);'; \
	[ "$(sqlite3 "$P/out/db" 'select group_concat(x) from t')" = 1,3,4 ] && \
	[ ! -e "$P/out/db-journal" ]; }
job_curl_local() { mkdir -p "$P/www"; echo served >"$P/www/f"; serve "$P/www" || return 1; \
	run curl -sS -o out/f "http://127.0.0.1:$PORT/f"; cleanup; same "$P/out/f" served; }
job_wget_local() { mkdir -p "$P/www"; echo served >"$P/www/f"; serve "$P/www" || return 1; \
	run wget -q -O out/f "http://127.0.0.1:$PORT/f"; cleanup; same "$P/out/f" served; }
job_curl_https() { curl -s -m 5 -o /dev/null "https://$NPM_HOST/is-number" || \
		{ skip "$NPM_HOST is unreachable"; return; }; \
	run curl -sS -o out/j "https://$NPM_HOST/is-number"; \
	grep -q '"name": *"is-number"' "$P/out/j"; }
job_gpg_symmetric() { mkdir -m 0700 "$P/gnupg"; \
	run gpg --homedir gnupg --batch --pinentry-mode loopback --passphrase pw \
		-c -o out/t.gpg in/text.txt; \
	[ "$(gpg --homedir "$P/gnupg" --batch --pinentry-mode loopback --passphrase pw \
		-d "$P/out/t.gpg" 2>/dev/null)" = 'hello world' ]; }
job_ssh_keygen() { run ssh-keygen -q -t ed25519 -N '' -C rw -f out/key; \
	[ "$(mode_of "$P/out/key")" = 600 ] && \
	ssh-keygen -l -f "$P/out/key.pub" | grep -q ' rw (ED25519)$'; }
job_base64_tee() { run sh -c 'base64 in/tree.tar | tee out/b64 | base64 -d >out/tree.tar'; \
	cmp -s "$P/in/tree.tar" "$P/out/tree.tar" && [ -s "$P/out/b64" ]; }
