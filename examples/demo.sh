#!/bin/sh
# SPDX-License-Identifier: MIT
# The demo: real programs run under ocapsh with a few capabilities, use
# them, and reach nothing else.
set -eu
build=${1:-build/gcc}
ocapsh=$(cd "$build" && pwd)/capsh/ocapsh
capcat=$(cd "$build" && pwd)/examples/capcat
crlf2lf=$(cd "$build" && pwd)/examples/crlf2lf
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"

mkdir -p project/docs out
echo "meeting moved to 10:00" >project/docs/notes.txt
printf 'pear\napple\nfig\n' >project/docs/list.txt
echo "the password is hunter2" >secret.txt
ln -s ../../secret.txt project/docs/shortcut

run() {
	printf '\n$ %s\n' "$*"
	"$@" 2>&1 | tee -a log || true
}

echo "Grants: --ro project (read, list), --rw out. Outside them: secret.txt."
run "$ocapsh" --ro project -- cat project/docs/notes.txt
run "$ocapsh" --ro project --rw out -- sort -o out/sorted.txt project/docs/list.txt
run cat out/sorted.txt
run "$ocapsh" --ro project -- cat secret.txt
run "$ocapsh" --ro project -- cat project/docs/shortcut
run "$ocapsh" --ro project -- ls "$HOME"
run "$ocapsh" --ro project -- /usr/bin/python3 -c "print(open('secret.txt').read())"
run "$ocapsh" --ro project -- sort -o project/docs/list.txt project/docs/list.txt
SECRET_TOKEN=hunter2 run "$ocapsh" -- env
echo
echo "And in-process, with libocap: capcat holds one directory capability."
run "$capcat" project docs/notes.txt ../secret.txt docs/shortcut /etc/passwd
if [ -x "$crlf2lf" ]; then
	echo
	echo "And a plain POSIX program built with ocap-cc: crlf2lf converts"
	echo "the files of one folder into another, and reaches nothing else."
	printf 'from\r\nwindows\r\n' >project/docs/dos.txt
	run "$ocapsh" --ro project --rw out -- "$crlf2lf" project/docs out
	run "$ocapsh" --ro project --rw out -- "$crlf2lf" out project/docs
fi
echo
if grep -rq hunter2 log out; then
	echo "FAIL: the secret was read" >&2
	exit 1
fi
echo "Only what was granted was read or written; the secret stayed out."
