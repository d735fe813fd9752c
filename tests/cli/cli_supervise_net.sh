#!/bin/bash
# SPDX-License-Identifier: MIT
# cli_supervise_net: connect(2), bind(2) and listen(2) of compat programs,
# which the broker judges by host and port against the grants and performs
# on the program's own socket; and the names a compat program resolves,
# through the preloaded libocap-resolve.so.  The servers are the test's,
# outside every sandbox; each records every connection it accepts (which
# listener, the address it came in on, the peer, the first line sent), so
# a case is judged by what really connected and what the client read, and
# a refusal by the server having seen nothing new.
#
# usage: cli_supervise_net.sh OCAPSH [--as-nobody]
# --as-nobody runs the programs (and the client that knocks on a sandboxed
# server) as uid/gid 65534; the servers stay the test's.
set -u
. "$(dirname "$0")/lib.sh"

cli_start cli_supervise_net.sh "$@"
O=$OCAPSH
PY=/usr/bin/python3

if [ "$ABI" -lt 4 ]; then
	echo "SKIP: Landlock ABI $ABI has no TCP rules (needs 4)"
	exit $SKIP_CODE
fi

# ---- the server --------------------------------------------------------------------
# Arguments: DIR, then one listener per NAME=KIND:ADDR, KIND tcp4 or tcp6
# with ADDR HOST,PORT (PORT 0 for any, @NAME for that listener's), or unix
# with ADDR a path.  A NAME beginning with ? may fail: its port is then
# "-".  It writes DIR/NAME.port, then DIR/ready; for each connection, one
# line "NAME LOCAL PEER FIRST-LINE" to DIR/log and the count to DIR/conns,
# before it answers: "hello-from-server", as an HTTP response to a GET.
SERVER='import os, selectors, socket, sys
d = sys.argv[1]
def put(name, text):
    with open(d + "/" + name + ".tmp", "w") as f:
        f.write(text)
    os.rename(d + "/" + name + ".tmp", d + "/" + name)
sel = selectors.DefaultSelector()
ports = {}
for spec in sys.argv[2:]:
    name, rest = spec.split("=", 1)
    kind, addr = rest.split(":", 1)
    optional = name.startswith("?")
    name = name.lstrip("?")
    try:
        if kind == "unix":
            s = socket.socket(socket.AF_UNIX)
            s.bind(addr)
            os.chmod(addr, 0o666)
            port = addr
        else:
            host, p = addr.split(",")
            p = ports[p[1:]] if p.startswith("@") else int(p)
            s = socket.socket(socket.AF_INET6 if kind == "tcp6" else socket.AF_INET)
            if kind == "tcp6":
                s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind((host, p))
            port = s.getsockname()[1]
        s.listen(16)
    except OSError:
        if not optional:
            raise
        put(name + ".port", "-")
        continue
    ports[name] = port
    put(name + ".port", str(port))
    sel.register(s, selectors.EVENT_READ, name)
log = open(d + "/log", "a", buffering=1)
n = 0
put("conns", "0")
put("ready", "")
body = b"hello-from-server\n"
while True:
    for key, _ in sel.select():
        c, peer = key.fileobj.accept()
        c.settimeout(2)
        f = c.makefile("rb")
        try:
            line = f.readline().decode(errors="replace").strip()
            http = line.startswith("GET ")
            while http and f.readline().strip():
                pass
        except OSError:
            line, http = "(nothing)", False
        if c.family == socket.AF_UNIX:
            local, peer = "-", "-"
        else:
            local, peer = c.getsockname()[0], peer[0]
        n += 1
        log.write("%s %s %s %s\n" % (key.data, local, peer, line or "(nothing)"))
        put("conns", str(n))
        try:
            if http:
                c.sendall(b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n"
                          b"Content-Length: %d\r\n\r\n" % len(body) + body)
            else:
                c.sendall(body)
        except OSError:
            pass
        f.close()
        c.close()'

# The client: MODE HOST PORT, or MODE unix:PATH.  block connects a blocking
# socket; select and poll a non-blocking one, then wait for it to be
# writable and read SO_ERROR.  It sends "ping-MODE" and prints the answer;
# a refused connect prints "connect: ..." and exits 1.
CLIENT='import errno, select, socket, sys
mode, host = sys.argv[1], sys.argv[2]
if host.startswith("unix:"):
    s, addr = socket.socket(socket.AF_UNIX), host[5:]
else:
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    s, addr = socket.socket(fam), (host, int(sys.argv[3]))
try:
    if mode == "block":
        s.connect(addr)
    else:
        s.setblocking(False)
        r = s.connect_ex(addr)
        print("connect:", errno.errorcode.get(r, r))
        if r == errno.EINPROGRESS:
            if mode == "select":
                select.select([], [s], [], 5)
            else:
                p = select.poll()
                p.register(s, select.POLLOUT)
                p.poll(5000)
            r = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            print("SO_ERROR:", errno.errorcode.get(r, r))
        if r:
            sys.exit(1)
        s.setblocking(True)
except OSError as e:
    print("connect:", e.strerror)
    sys.exit(1)
s.sendall(("ping-" + mode + "\n").encode())
print(s.makefile().readline(), end="")'

# PORT NAME...: each name's getaddrinfo() (TCP), its distinct addresses,
# or its error and whether that took under 2 s.
PY_NAMES='import socket, sys, time
port = int(sys.argv[1])
for name in sys.argv[2:]:
    t0 = time.monotonic()
    try:
        ai = socket.getaddrinfo(name, port, type=socket.SOCK_STREAM)
        print(name, "->", " ".join(sorted({a[4][0] for a in ai})))
    except socket.gaierror as e:
        quick = time.monotonic() - t0 < 2
        print(name + ":", e.strerror, "(quick)" if quick else "(slow)")'

# A server in the sandbox: HOST PORT (HOST - to listen unbound).  It binds,
# listens, accepts one connection, sends "hello-from-sandbox" and prints
# what it read.  A refusal prints the call, the error and the socket's
# port, which stays 0 when nothing was bound.
PY_LISTEN='import errno, socket, sys
s = socket.socket()
step = "bind"
try:
    if sys.argv[1] != "-":
        s.bind((sys.argv[1], int(sys.argv[2])))
    step = "listen"
    s.listen(4)
except OSError as e:
    print(step + ":", errno.errorcode[e.errno] + ", port", s.getsockname()[1])
    sys.exit(1)
print("listening on", *s.getsockname())
s.settimeout(5)
c, peer = s.accept()
c.settimeout(5)
c.sendall(b"hello-from-sandbox\n")
print("accepted from", peer[0] + ":", c.makefile().readline().strip())'

# The client outside, for the server inside: PORT; it tries for 5 s.
PY_KNOCK='import socket, sys, time
end = time.monotonic() + 5
while True:
    try:
        s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
        break
    except OSError:
        if time.monotonic() > end:
            print("client: nobody listens")
            sys.exit(1)
        time.sleep(0.05)
print("client read:", s.makefile().readline().strip())
s.sendall(b"ping-from-outside\n")'

# ---- the fixtures ---------------------------------------------------------------------
umask 022
SRV=$T/srv SOCK=$T/sock
mkdir -p "$SOCK"
serve_py "$SRV" "$SERVER" main=tcp4:0.0.0.0,0 other=tcp4:0.0.0.0,0 \
	'?v6=tcp6:::1,@main' \
	"granted=unix:$SOCK/granted.sock" "otherunix=unix:$SOCK/other.sock" ||
	exit 1
P=$(cat "$SRV/main.port") OTHER=$(cat "$SRV/other.port")
V6=yes
[ "$(cat "$SRV/v6.port")" = - ] && V6=no
# A link at a name that could be granted, to the other socket.
ln -s other.sock "$SOCK/link.sock"
# Two free ports for the sandboxed server.
read -r Q Q2 < <("$PY" -c 'import socket
a, b = socket.socket(), socket.socket()
a.bind(("127.0.0.1", 0)); b.bind(("127.0.0.1", 0))
print(a.getsockname()[1], b.getsockname()[1])')

# What the server saw: NSEEN connections so far.  connected LINE: the last
# case made exactly one more, logged as LINE.  nothing_new: it made none.
# After either, NSEEN is the server's count again, so that one stray
# connection fails one case only.
NSEEN=0
served() { [ "$(cat "$SRV/conns")" = "$1" ] && [ "$(tail -n1 "$SRV/log")" = "$2" ]; }
count_is() { [ "$(cat "$SRV/conns")" = "$1" ]; }
connected() {
	NSEEN=$((NSEEN + 1))
	post "the server saw connection $NSEEN as: $1" served "$NSEEN" "$1"
	NSEEN=$(cat "$SRV/conns")
}
nothing_new() {
	post "the server saw no new connection (still $NSEEN)" count_is "$NSEEN"
	NSEEN=$(cat "$SRV/conns")
}
# Cases needing IPv6 (the server's ::1 listener up) run only with it.
v6() {
	if [ "$V6" = yes ]; then
		"$@"
	else
		skip "$2" "no IPv6 loopback (::1) here"
	fi
}
HELLO="=hello-from-server"
REFUSED="=connect: Permission denied"
NB_HELLO=$'=connect: EINPROGRESS\nSO_ERROR: 0\nhello-from-server'

# ---- controls: unsandboxed, every address the cases refuse reaches the server ---------
t control-127.0.0.2 0 -o "$HELLO" : "$PY" -c "$CLIENT" block 127.0.0.2 "$P"
connected "main 127.0.0.2 127.0.0.1 ping-block"
t control-0.0.0.0 0 -o "$HELLO" : "$PY" -c "$CLIENT" block 0.0.0.0 "$P"
connected "main 127.0.0.1 127.0.0.1 ping-block"
t control-other-port 0 -o "$HELLO" : "$PY" -c "$CLIENT" block 127.0.0.1 "$OTHER"
connected "other 127.0.0.1 127.0.0.1 ping-block"
control_v6() {
	t control-::1 0 -o "$HELLO" : "$PY" -c "$CLIENT" block ::1 "$P"
	connected "v6 ::1 ::1 ping-block"
}
v6 control_v6 control-::1
t control-unix-other 0 -o "$HELLO" : "$PY" -c "$CLIENT" block "unix:$SOCK/other.sock"
connected "otherunix - - ping-block"
t control-unix-link 0 -o "$HELLO" : "$PY" -c "$CLIENT" block "unix:$SOCK/link.sock"
connected "otherunix - - ping-block"

# ---- --connect 127.0.0.1:P: that host and port --------------------------------------
G=(--connect "127.0.0.1:$P")
t granted-blocking 0 -o "$HELLO" : "$O" "${G[@]}" -- "$PY" -c "$CLIENT" block 127.0.0.1 "$P"
connected "main 127.0.0.1 127.0.0.1 ping-block"
t granted-nonblocking-select 0 \
	-o "$NB_HELLO" \
	: "$O" "${G[@]}" -- "$PY" -c "$CLIENT" select 127.0.0.1 "$P"
connected "main 127.0.0.1 127.0.0.1 ping-select"
t granted-nonblocking-poll 0 \
	-o "$NB_HELLO" \
	: "$O" "${G[@]}" -- "$PY" -c "$CLIENT" poll 127.0.0.1 "$P"
connected "main 127.0.0.1 127.0.0.1 ping-poll"
# The same host, written as a v4-mapped IPv6 address, on an IPv6 socket.
mapped() {
	t granted-v4-mapped 0 -o "$HELLO" \
		: "$O" "${G[@]}" -- "$PY" -c "$CLIENT" block ::ffff:127.0.0.1 "$P"
	connected "main 127.0.0.1 127.0.0.1 ping-block"
	t granted-as-v4-mapped 0 -o "$HELLO" \
		: "$O" --connect "[::ffff:127.0.0.1]:$P" \
		-- "$PY" -c "$CLIENT" block 127.0.0.1 "$P"
	connected "main 127.0.0.1 127.0.0.1 ping-block"
}
v6 mapped granted-v4-mapped
# AF_UNSPEC dissolves an association and reaches nobody: allowed.
t unspec-connect 0 -o "=unspec: 0" \
	: "$O" "${G[@]}" -- "$PY" -c 'import ctypes, socket
libc = ctypes.CDLL(None, use_errno=True)
s = socket.socket()
print("unspec:", libc.connect(s.fileno(), bytes(16), 16) or ctypes.get_errno())'
nothing_new

t refused-127.0.0.2 1 -o "$REFUSED" \
	: "$O" "${G[@]}" -- "$PY" -c "$CLIENT" block 127.0.0.2 "$P"
nothing_new
t refused-127.0.0.2-nonblocking 1 -o "=connect: EACCES" \
	: "$O" "${G[@]}" -- "$PY" -c "$CLIENT" select 127.0.0.2 "$P"
nothing_new
t refused-0.0.0.0 1 -o "$REFUSED" \
	: "$O" "${G[@]}" -- "$PY" -c "$CLIENT" block 0.0.0.0 "$P"
nothing_new
refused_v6() {
	t refused-::1 1 -o "$REFUSED" \
		: "$O" "${G[@]}" -- "$PY" -c "$CLIENT" block ::1 "$P"
	nothing_new
}
v6 refused_v6 refused-::1
t refused-other-port 1 -o "$REFUSED" \
	: "$O" "${G[@]}" -- "$PY" -c "$CLIENT" block 127.0.0.1 "$OTHER"
nothing_new
t refused-verbose 1 -o "$REFUSED" -e "=ocapsh: denied connect to 127.0.0.2:$P (--connect 127.0.0.2:$P grants it)" \
	: "$O" -v "${G[@]}" -- "$PY" -c "$CLIENT" block 127.0.0.2 "$P"
nothing_new
t refused-verbose-port 1 -o "$REFUSED" \
	-e "=ocapsh: denied connect to 127.0.0.1:$OTHER (--connect 127.0.0.1:$OTHER grants it)" \
	: "$O" -v "${G[@]}" -- "$PY" -c "$CLIENT" block 127.0.0.1 "$OTHER"
nothing_new

# ---- --connect '*:P': any host on that port ----------------------------------------
t any-127.0.0.1 0 -o "$HELLO" \
	: "$O" --connect "*:$P" -- "$PY" -c "$CLIENT" block 127.0.0.1 "$P"
connected "main 127.0.0.1 127.0.0.1 ping-block"
t any-127.0.0.2 0 -o "$NB_HELLO" \
	: "$O" --connect "*:$P" -- "$PY" -c "$CLIENT" select 127.0.0.2 "$P"
connected "main 127.0.0.2 127.0.0.1 ping-select"
any_v6() {
	t any-::1 0 -o "$HELLO" \
		: "$O" --connect "*:$P" -- "$PY" -c "$CLIENT" block ::1 "$P"
	connected "v6 ::1 ::1 ping-block"
}
v6 any_v6 any-::1
t any-other-port-refused 1 -o "$REFUSED" \
	: "$O" --connect "*:$P" -- "$PY" -c "$CLIENT" block 127.0.0.2 "$OTHER"
nothing_new

# ---- --connect localhost:P: a granted name, resolved by the broker --------------------
# What the host's resolver says of localhost, as the launch saw it.
LOCALHOST=$("$PY" -c "$PY_NAMES" "$P" localhost)
L=(--connect "localhost:$P")
t name-preloads-shim 0 -o "/^LD_PRELOAD=(.*:)?[^:]*/libocap-resolve\.so(:|$)" \
	: "$O" "${L[@]}" -- env
t name-getaddrinfo 0 -o "=$LOCALHOST" -o "~127.0.0.1" \
	: "$O" "${L[@]}" -- "$PY" -c "$PY_NAMES" "$P" localhost
t name-connect 0 -o "$HELLO" \
	: "$O" "${L[@]}" -- "$PY" -c "$CLIENT" block localhost "$P"
connected "main 127.0.0.1 127.0.0.1 ping-block"
t name-ungranted 0 \
	-o $'=ocap-test.invalid: Name or service not known (quick)\nexample.invalid: Name or service not known (quick)' \
	: "$O" "${L[@]}" -- "$PY" -c "$PY_NAMES" "$P" ocap-test.invalid example.invalid
nothing_new
t name-ungranted-verbose 0 -o "=ocap-test.invalid: Name or service not known (quick)" \
	-e "=ocapsh: denied resolve of ocap-test.invalid (--connect ocap-test.invalid:$P grants it)" \
	: "$O" -v "${L[@]}" -- "$PY" -c "$PY_NAMES" "$P" ocap-test.invalid
if [ -x /usr/bin/curl ]; then
	t name-curl 0 -o "$HELLO" \
		: "$O" "${L[@]}" -- /usr/bin/curl -sS --max-time 5 "http://localhost:$P/"
	connected "main 127.0.0.1 127.0.0.1 GET / HTTP/1.1"
	t name-curl-other-port 7 -o - -e "/^curl: \(7\) " \
		: "$O" "${L[@]}" -- /usr/bin/curl -sS --max-time 5 "http://localhost:$OTHER/"
	nothing_new
else
	skip name-curl "/usr/bin/curl is not installed"
fi

# ---- --listen 127.0.0.1:Q: the program serves there, and nowhere else ---------------
# The client outside knocks while the program runs; both print.
KNOCK='"$1" -c "$2" "$3" & k=$!
shift 3
"$@"
st=$?
wait "$k" || st=99
exit "$st"'
t listen-granted 0 -o "~listening on 127.0.0.1 $Q" -o "~client read: hello-from-sandbox" \
	-o "~accepted from 127.0.0.1: ping-from-outside" \
	: sh -c "$KNOCK" sh "$PY" "$PY_KNOCK" "$Q" \
	"$O" --listen "127.0.0.1:$Q" -- "$PY" -c "$PY_LISTEN" 127.0.0.1 "$Q"
# Right after each refusal, nothing was bound: the port is still 0.
t listen-other-port-refused 1 -o "=bind: EACCES, port 0" \
	: "$O" --listen "127.0.0.1:$Q" -- "$PY" -c "$PY_LISTEN" 127.0.0.1 "$Q2"
t listen-any-address-refused 1 -o "=bind: EACCES, port 0" \
	: "$O" --listen "127.0.0.1:$Q" -- "$PY" -c "$PY_LISTEN" 0.0.0.0 "$Q"
t listen-unbound-refused 1 -o "=listen: EACCES, port 0" \
	: "$O" --listen "127.0.0.1:$Q" -- "$PY" -c "$PY_LISTEN" - 0
t listen-refused-verbose 1 -o "=bind: EACCES, port 0" \
	-e "=ocapsh: denied bind to 0.0.0.0:$Q (--listen 0.0.0.0:$Q grants it)" \
	: "$O" -v --listen "127.0.0.1:$Q" -- "$PY" -c "$PY_LISTEN" 0.0.0.0 "$Q"

# ---- --connect unix:PATH: that socket, looked up with no symlink followed ---------------
t unix-granted 0 -o "$HELLO" \
	: "$O" --connect "unix:$SOCK/granted.sock" \
	-- "$PY" -c "$CLIENT" block "unix:$SOCK/granted.sock"
connected "granted - - ping-block"
t unix-granted-nonblocking 0 -o '/^connect: (EINPROGRESS|0)$' -o "~hello-from-server" \
	: "$O" --connect "unix:$SOCK/granted.sock" \
	-- "$PY" -c "$CLIENT" poll "unix:$SOCK/granted.sock"
connected "granted - - ping-poll"
t unix-other-refused 1 -o "$REFUSED" \
	: "$O" --connect "unix:$SOCK/granted.sock" \
	-- "$PY" -c "$CLIENT" block "unix:$SOCK/other.sock"
nothing_new
t unix-other-refused-verbose 1 -o "$REFUSED" \
	-e "=ocapsh: denied connect to unix:$SOCK/other.sock (--connect unix:$SOCK/other.sock grants it)" \
	: "$O" -v --connect "unix:$SOCK/granted.sock" \
	-- "$PY" -c "$CLIENT" block "unix:$SOCK/other.sock"
nothing_new
t unix-link-refused 1 -o "$REFUSED" \
	: "$O" --connect "unix:$SOCK/link.sock" \
	-- "$PY" -c "$CLIENT" block "unix:$SOCK/link.sock"
nothing_new
t unix-link-refused-verbose 1 -o "$REFUSED" \
	-e "=ocapsh: denied connect through a symlink to unix:$SOCK/link.sock" \
	: "$O" -v --connect "unix:$SOCK/link.sock" \
	-- "$PY" -c "$CLIENT" block "unix:$SOCK/link.sock"
nothing_new

# ---- --udp 127.0.0.1:U: datagrams to that host and port only ------------------------
# The server logs each datagram's payload; the program sends with sendto,
# sendmsg, sendmmsg and on a connected socket, then tries elsewhere.
UDP_SERVER='import os, socket, sys
d = sys.argv[1]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 0))
with open(d + "/port", "w") as f:
    f.write(str(s.getsockname()[1]))
open(d + "/ready", "w").close()
while True:
    data, peer = s.recvfrom(2048)
    with open(d + "/log", "a") as f:
        f.write(data.decode() + "\n")'
UDP_CLIENT='import errno, socket, sys
host, port = sys.argv[1], int(sys.argv[2])
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
def tell(what, f):
    try:
        f()
        print(what, "sent")
    except OSError as e:
        print(what, errno.errorcode[e.errno])
tell("sendto", lambda: u.sendto(b"via-sendto", (host, port)))
tell("sendmsg", lambda: u.sendmsg([b"via-", b"sendmsg"], [], 0, (host, port)))
tell("connect", lambda: u.connect((host, port)))
tell("send", lambda: u.send(b"via-send"))'
if serve_py "$T/udp" "$UDP_SERVER"; then
	U=$(cat "$T/udp/port")
	udp_log() { [ "$(sort "$T/udp/log" 2>/dev/null | tr '\n' ' ')" = "$1" ]; }
	t udp-granted 0 -o $'=sendto sent\nsendmsg sent\nconnect sent\nsend sent' \
		: "$O" --udp "127.0.0.1:$U" -- "$PY" -c "$UDP_CLIENT" 127.0.0.1 "$U"
	post "the server got the three datagrams" udp_log "via-send via-sendmsg via-sendto "
	t udp-other-host 0 \
		-o $'=sendto EACCES\nsendmsg EACCES\nconnect EACCES\nsend EDESTADDRREQ' \
		: "$O" --udp "127.0.0.1:$U" -- "$PY" -c "$UDP_CLIENT" 127.0.0.2 "$U"
	post "the server got nothing more" udp_log "via-send via-sendmsg via-sendto "
	t udp-other-host-verbose 0 -o '*' \
		-e "~ocapsh: denied send to 127.0.0.2:$U (--udp 127.0.0.2:$U grants it)" \
		: "$O" -v --udp "127.0.0.1:$U" -- "$PY" -c "$UDP_CLIENT" 127.0.0.2 "$U"
	t udp-no-grant 1 -e "~PermissionError" \
		: "$O" -- "$PY" -c "$UDP_CLIENT" 127.0.0.1 "$U"
	post "the server got nothing more" udp_log "via-send via-sendmsg via-sendto "
else
	exit 1
fi

# ---- DNS: a name server of the test's, in a private mount namespace ------------------
# It answers A questions for granted.test and other.test (127.0.0.1),
# nothing else, and logs every question's name.  resolv.conf names it for
# what runs in the namespace: ocapsh resolves granted.test at launch; the
# program asks the broker, and may send no question of its own.
DNS='import os, socket, struct, sys
d = sys.argv[1]
names = {"granted.test": "127.0.0.1", "other.test": "127.0.0.1"}
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for a in ("127.0.0.1", "127.0.53.53"):
    try:
        s.bind((a, 53))
        break
    except OSError:
        a = "-"
with open(d + "/resolv.conf", "w") as f:
    f.write("nameserver %s\noptions timeout:1 attempts:1\n" % a)
log = open(d + "/log", "a", buffering=1)
open(d + "/ready", "w").close()
while a != "-":
    q, peer = s.recvfrom(512)
    i, labels = 12, []
    while q[i]:
        labels.append(q[i + 1:i + 1 + q[i]].decode(errors="replace"))
        i += 1 + q[i]
    qtype = struct.unpack(">H", q[i + 1:i + 3])[0]
    name = ".".join(labels).lower()
    log.write("%s %d\n" % (name, qtype))
    ip, an = names.get(name), b""
    if ip and qtype == 1:
        an = b"\xc0\x0c" + struct.pack(">HHIH", 1, 1, 60, 4) + socket.inet_aton(ip)
    flags = 0x8180 | (0 if ip else 3)
    s.sendto(struct.pack(">HHHHHH", q[0] << 8 | q[1], flags, 1, 1 if an else 0, 0, 0)
             + q[12:i + 5] + an, peer)'
IN_NS='mount --bind "$1" /etc/resolv.conf || exit 97
shift
exec "$@"'
only_granted_asked() {
	[ -s "$T/dns/log" ] && ! grep -qv '^granted\.test ' "$T/dns/log"
}
dns_cases() {
	local -a as=("${RUNAS[@]}")
	serve_py "$T/dns" "$DNS" || return 1
	if grep -q 'nameserver -' "$T/dns/resolv.conf"; then
		skip dns "port 53 is taken on 127.0.0.1 and 127.0.53.53"
		return 0
	fi
	if ! unshare -m sh -c "$IN_NS" sh "$T/dns/resolv.conf" true 2>/dev/null; then
		skip dns "no private mount namespace with a bind mount here"
		return 0
	fi
	# unshare needs the test's root; the program runs behind $RUNAS inside.
	RUNAS=()
	t dns-granted-resolves 0 \
		-o $'=granted.test -> 127.0.0.1\nother.test: Name or service not known (quick)' \
		: unshare -m sh -c "$IN_NS" sh "$T/dns/resolv.conf" \
		"${as[@]}" "$O" --connect "granted.test:$P" \
		-- "$PY" -c "$PY_NAMES" "$P" granted.test other.test
	post "the name server was asked of granted.test only" only_granted_asked
	t dns-granted-connects 0 -o "$HELLO" \
		: unshare -m sh -c "$IN_NS" sh "$T/dns/resolv.conf" \
		"${as[@]}" "$O" --connect "granted.test:$P" \
		-- "$PY" -c "$CLIENT" block granted.test "$P"
	connected "main 127.0.0.1 127.0.0.1 ping-block"
	post "the name server was asked of granted.test only" only_granted_asked
	# Control, last: unsandboxed in the namespace, other.test resolves.
	t dns-control-other 0 -o "=other.test -> 127.0.0.1" \
		: unshare -m sh -c "$IN_NS" sh "$T/dns/resolv.conf" \
		"${as[@]}" "$PY" -c "$PY_NAMES" "$P" other.test
	post "the name server was asked of other.test" grep -q '^other\.test ' "$T/dns/log"
	RUNAS=("${as[@]}")
}
if [ "$(id -u)" != 0 ]; then
	skip dns "a private mount namespace needs root"
elif ! command -v unshare >/dev/null; then
	skip dns "unshare(1) is needed"
else
	dns_cases || exit 1
fi

finish
