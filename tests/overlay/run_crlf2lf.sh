#!/bin/sh
# SPDX-License-Identifier: MIT
# run_crlf2lf.sh NAME OCAPSH CRLF2LF MUSL_CRLF2LF
# examples/crlf2lf, an unmodified POSIX program built with ocap-cc, run
# in native mode with --ro in --rw out and nothing else: it converts every
# file of in into out; a canary next to the folders is neither read nor
# changed, through a planted link or a ../ name; writing into in is
# EACCES.  Outside a sandbox it must behave as MUSL_CRLF2LF, the same
# source built with plain musl-gcc.
set -u
name=$1 ocapsh=$2 bin=$3 musl=$4
. "$(dirname "$0")/lib.sh"

need_sandbox
scratch

# make_folders DIR: in/ (CRLF, mixed, lone CR, no line end, empty, a
# subdirectory, a link inside in), an empty out/, and the canary.
make_folders() {
	mkdir -p "$1/in/sub" "$1/out" &&
	printf 'one\r\ntwo\r\n' >"$1/in/a.txt" &&
	printf 'mixed\r\nunix\nlone\rcr\r\r\nlast\r' >"$1/in/b.txt" &&
	printf 'no line end' >"$1/in/c d.txt" &&
	: >"$1/in/empty" &&
	printf 'nested\r\n' >"$1/in/sub/skipped.txt" &&
	ln -s a.txt "$1/in/alias.txt" &&
	printf 'canary secret\r\n' >"$1/canary" ||
		fail "cannot make the tree in $1"
}

# run LOG ARG...: crlf2lf ARG... under ocapsh --ro in --rw out, in $T;
# output in $tmp/LOG.out and LOG.err, the status in $rc.
run() {
	log=$1
	shift
	(cd "$T" && "$ocapsh" --ro in --rw out -- "$bin" "$@") \
		>"$tmp/$log.out" 2>"$tmp/$log.err"
	rc=$?
	[ $rc = 125 ] && fail "$log: ocapsh refused: $(cat "$tmp/$log.err")"
	return 0
}

# expect_file FILE CONTENT (a printf format).  fail's echo would expand
# the backslashes of od's \r and of CONTENT: doubled.
expect_file() {
	printf "$2" >"$tmp/expected" && cmp -s "$tmp/expected" "$1" ||
		fail "$1: got '$(od -An -c "$1" 2>&1 | tr -s ' \n' ' ' |
			sed 's/\\/\\\\/g')', want '$(printf %s "$2" |
			sed 's/\\/\\\\/g')'"
}

# failed LOG MESSAGE...: status 1, each MESSAGE a line of standard error.
failed() {
	log=$1
	shift
	[ $rc = 1 ] || fail "$log: exit $rc, want 1: $(cat "$tmp/$log.err")"
	for m do
		grep -qxF "crlf2lf: $m" "$tmp/$log.err" ||
			fail "$log: no '$m' message: $(cat "$tmp/$log.err")"
	done
}

# converted LOG: the five files of in, exactly, in out, and said so.
converted() {
	printf '%s: %s line ends\n' a.txt 2 alias.txt 2 b.txt 2 'c d.txt' 0 \
		empty 0 >"$tmp/want.out"
	diff -u "$tmp/want.out" "$tmp/$1.out" || fail "$1: the report differs"
	expect_file "$T/out/a.txt" 'one\ntwo\n'
	expect_file "$T/out/alias.txt" 'one\ntwo\n'
	expect_file "$T/out/b.txt" 'mixed\nunix\nlone\rcr\r\nlast\r'
	expect_file "$T/out/c d.txt" 'no line end'
	expect_file "$T/out/empty" ''
	[ "$(LC_ALL=C ls "$T/out" | tr '\n' /)" = \
	  "a.txt/alias.txt/b.txt/c d.txt/empty/" ] ||
		fail "$1: out holds $(ls "$T/out" | tr '\n' ' ')"
}

# untouched: in as made, and nothing of the canary anywhere.
untouched() {
	diff -r "$tmp/ref/in" "$T/in" >/dev/null || fail "in was changed"
	! grep -rqs 'canary secret' "$T/out" "$tmp"/*.out "$tmp"/*.err ||
		fail "the canary was read"
}

T=$tmp/t
make_folders "$T"
make_folders "$tmp/ref"
# A read of the canary would move its access time from 2000 to now,
# where the file system keeps access times (the control file says).
touch -a -d '2000-01-01 00:00:00 UTC' "$T/canary" "$tmp/ctl" ||
	fail "cannot set access times"
atime=$(stat -c %X "$T/canary")

(cd "$T" && "$ocapsh" --explain --ro in --rw out -- "$bin" in out) |
	grep -Eq '^mode: +native' || fail "$bin does not run in native mode"

run all in out
[ $rc = 0 ] || fail "all: exit $rc: $(cat "$tmp/all.err")"
[ ! -s "$tmp/all.err" ] || fail "all: said $(cat "$tmp/all.err")"
converted all
untouched
echo "$name: every file of in converted into out: ok"

# A link planted in in that leads out of it: ENOENT, the rest converted.
ln -s ../canary "$T/in/leak.txt" && ln -s "$T/canary" "$T/in/leak2.txt" ||
	fail "cannot plant the links"
rm -f "$T"/out/*
run leak in out
failed leak "in/leak.txt: No such file or directory" \
	"in/leak2.txt: No such file or directory"
converted leak
rm "$T/in/leak.txt" "$T/in/leak2.txt"
untouched
echo "$name: a link out of in: ENOENT, the canary unread: ok"

run dotdot in out ../canary
failed dotdot "in/../canary: No such file or directory"
[ ! -e "$T/out/canary" ] || fail "dotdot: out/canary was written"
untouched
echo "$name: in/../canary: ENOENT, the canary unread: ok"

run write out in
failed write "in/a.txt: Permission denied" "in/empty: Permission denied"
run mkdir in in/new
failed mkdir "in/new: Permission denied"
untouched
[ ! -e "$T/in/new" ] || fail "mkdir: in/new was made"
echo "$name: writing into in: EACCES, in unchanged: ok"

cat "$tmp/ctl" >/dev/null
if [ "$(stat -c %X "$tmp/ctl")" = "$atime" ]; then
	echo "$name: no access times here: the canary checked by content"
else
	[ "$(stat -c %X "$T/canary")" = "$atime" ] ||
		fail "the canary's access time moved: it was read"
	echo "$name: the canary's access time is unchanged: ok"
fi
printf 'canary secret\r\n' | cmp -s - "$T/canary" || fail "the canary changed"

# Outside a sandbox nothing is confined (the link is followed, in is
# written): the ocap-cc build does what the plain musl build does.
for b in ocap musl; do
	make_folders "$tmp/$b"
	ln -s ../canary "$tmp/$b/in/leak.txt" || fail "cannot plant the link"
done
for args in "in out" "in out ../canary" "out in" "in in/new"; do
	for b in ocap musl; do
		prog=$musl
		[ $b = ocap ] && prog=$bin
		echo "\$ crlf2lf $args" >>"$tmp/$b.log"
		# $args is split into the arguments on purpose.
		# shellcheck disable=SC2086
		(cd "$tmp/$b" && "$prog" $args) >>"$tmp/$b.log" 2>&1
		echo "exit $?" >>"$tmp/$b.log"
	done
done
diff -u "$tmp/musl.log" "$tmp/ocap.log" ||
	fail "outside, the ocap-cc build said otherwise than plain musl (above)"
diff -r "$tmp/musl" "$tmp/ocap" ||
	fail "outside, the ocap-cc build left other files than plain musl"
expect_file "$tmp/ocap/out/leak.txt" 'canary secret\n'
echo "$name: outside, as the plain musl build: ok"
