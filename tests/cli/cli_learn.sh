#!/bin/bash
# SPDX-License-Identifier: MIT
# cli_learn: --learn FILE writes the grants a refused job needed, and the
# file it writes makes the job pass.  A new FILE is made; an existing one
# is never overwritten (FILE.new holds it with what it lacked); learning
# writes nothing the grants do not allow; a FILE that cannot be written
# stops everything before the program runs.
#
# usage: cli_learn.sh OCAPSH [--as-nobody]
set -u
. "$(dirname "$0")/lib.sh"

cli_start cli_learn.sh "$@"
O=$OCAPSH
L='ocapsh: learn: '

mkdir -m 0755 x w
mkdir -m 0777 y
echo hush >x/secret
chmod 0644 x/secret
[ "$AS" = --as-nobody ] && chown 65534:65534 w
G=$T/w/job.grants

has() { grep -qxF -- "$2" "$1"; }
sum_is() { [ "$(sum_of "$1")" = "$2" ]; }

# ---- a new file, then the job with it ---------------------------------------
t learn-new 1 -e "~cat: $T/x/secret: Permission denied" \
	-e "~${L}1 grant written to $G" \
	: "$O" --learn "$G" -- cat "$T/x/secret"
post 'the grant is in the file' has "$G" "--ro $T/x/secret"
post 'with who needed it' has "$G" "# read by cat; its folder: --ro $T/x"
t learn-used 0 -o '=hush' : "$O" --grants "$G" -- cat "$T/x/secret"
t learn-nothing-new 0 -o '=hush' -e "=${L}nothing new for $G" \
	: "$O" --grants "$G" --learn "$G" -- cat "$T/x/secret"
post 'no FILE.new when nothing is new' absent "$G.new"

# ---- an existing file: FILE.new, FILE untouched -------------------------------
before=$(sum_of "$G")
t learn-existing 2 -e "~${L}1 new grant: compare with diff -u $G $G.new" \
	: "$O" --grants "$G" --learn "$G" -- sh -c "echo made >$T/y/out"
post 'learning wrote nothing outside the grants' absent "$T/y/out"
post 'FILE is untouched' sum_is "$G" "$before"
post 'FILE.new keeps the old grant' has "$G.new" "--ro $T/x/secret"
post 'FILE.new adds the new one' has "$G.new" "--rw $T/y"
t learn-new-used 0 : "$O" --grants "$G.new" -- sh -c "echo made >$T/y/out"
post 'the job made its file' grep -qx made "$T/y/out"

# ---- a secret: written commented out --------------------------------------------
t learn-secret 1 -e "~${L}" : "$O" --learn "$T/w/s.grants" -- cat /etc/shadow
post 'the secret is commented out' has "$T/w/s.grants" "# --ro /etc/shadow"
post 'and not granted' eval "! grep -qx -- '--ro /etc/shadow' '$T/w/s.grants'"

# ---- bad input: nothing runs ----------------------------------------------------
t learn-no-dir 125 -e "@ocapsh: --learn: /nonexistent/d: No such file or directory" \
	: "$O" --learn /nonexistent/d/g -- touch "$T/y/ran"
t learn-a-dir 125 -e "@ocapsh: --learn: $T/x: not a regular file" \
	: "$O" --learn "$T/x" -- touch "$T/y/ran"
t learn-no-value 125 -e "@ocapsh: argument 1: --learn: missing value" \
	: "$O" --learn
post 'the program never ran' absent "$T/y/ran"

finish
