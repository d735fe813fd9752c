# SPDX-License-Identifier: MIT
"""shell_pty: the interactive capability shell in a real pseudo-terminal.

Types commands the way a user does and reads what the terminal shows:
the prompt with the grant count, a command's output, line editing and
history (libedit), ^C stopping a running command but not the shell, ^C
abandoning a half-typed line, continuation lines, ^D leaving with status
0, and the history file.  A canary outside every grant never shows up.

usage: python3 pty_shell.py OCAPSH
"""
import ctypes
import os
import pty
import re
import select
import shutil
import signal
import sys
import tempfile
import time

SKIP = 77


def landlock_abi():
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    r = libc.syscall(444, None, ctypes.c_size_t(0), ctypes.c_uint32(1))
    return r if r > 0 else 0


class Term:
    """ocapsh on the slave side of a pty; we are the user on the master."""

    def __init__(self, ocapsh, cwd, env, args=()):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            try:
                os.chdir(cwd)
                os.execve(ocapsh, [ocapsh, *args], env)
            finally:
                os._exit(127)
        self.screen = b""  # everything shown so far
        self.mark = 0      # where the next expect() starts looking

    def read(self, timeout):
        r, _, _ = select.select([self.fd], [], [], timeout)
        if not r:
            return False
        try:
            data = os.read(self.fd, 4096)
        except OSError:  # EIO: the slave side is closed
            return None
        if not data:
            return None
        self.screen += data
        return True

    def expect(self, pattern, timeout=5.0):
        """Wait for pattern (bytes regex) after the mark; move the mark
        past it.  Returns the seconds it took."""
        start = time.monotonic()
        rx = re.compile(pattern)
        while True:
            m = rx.search(self.screen, self.mark)
            if m:
                self.mark = m.end()
                return time.monotonic() - start
            left = timeout - (time.monotonic() - start)
            if left <= 0 or self.read(min(left, 0.1)) is None:
                raise AssertionError(
                    "did not see %r within %.1fs; the screen ends with:\n%s"
                    % (pattern, timeout, self.tail()))

    def tail(self):
        return self.screen[-600:].decode("utf-8", "replace")

    def type(self, keys):
        os.write(self.fd, keys)

    def settle(self, seconds):
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            if self.read(end - time.monotonic()) is None:
                break

    def wait(self, timeout=5.0):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                return os.waitstatus_to_exitcode(status)
            self.read(0.05)
        os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)
        raise AssertionError("the shell did not exit; screen:\n" + self.tail())


PROMPT0 = rb"ocapsh\[0\]\$ "
PROMPT1 = rb"ocapsh\[1\]\$ "


def session(ocapsh, work, home, notes, canary):
    env = {"PATH": "/usr/bin:/bin", "TERM": "xterm", "HOME": home,
           "LC_ALL": "C.UTF-8"}
    t = Term(ocapsh, work, env)
    checks = []

    def ok(name):
        checks.append(name)
        print("ok:", name)

    t.expect(PROMPT0)
    ok("prompt shows the grant count")

    t.type(b"cat notes.txt\r")
    t.expect(re.escape(notes.encode()))
    t.expect(PROMPT0)
    ok("a command's output appears, then the prompt")

    t.type(b"\x1b[A\r")  # up arrow: the last command again
    t.expect(re.escape(notes.encode()))
    t.expect(PROMPT0)
    ok("history: the up arrow recalls the last command")

    # ^A to the start of the line, type there; a backspace deletes.
    t.type(b"otes.txtX\x7f\x01cat n\r")
    t.expect(re.escape(notes.encode()))
    t.expect(PROMPT0)
    ok("line editing: ^A and backspace")

    t.type("echo h\u00e9llo w\u00f6rld\r".encode())
    t.expect("\r\nh\u00e9llo w\u00f6rld\r\n".encode())
    t.expect(PROMPT0)
    ok("UTF-8 typed at the prompt")

    t.type(b"grant --ro /usr/share\r")
    t.expect(PROMPT1)
    ok("grant: the prompt counts it")

    t.type(b"echo a |\r")
    t.expect(rb"\r\n> ")
    t.type(b"tr a-z A-Z\r")
    t.expect(rb"\r\nA\r\n")
    t.expect(PROMPT1)
    ok("a continuation line")

    t.type(b"sleep 30\r")
    t.settle(0.5)
    if re.search(PROMPT1, t.screen[t.mark:]):
        raise AssertionError("sleep 30 did not run:\n" + t.tail())
    t.type(b"\x03")
    took = t.expect(PROMPT1, timeout=2.0)
    ok("^C stops sleep 30 in %.2fs and the shell prompts again" % took)

    t.type(b"echo status=$?\r")
    t.expect(rb"status=130\r\n")
    t.expect(PROMPT1)
    ok("the interrupted command's status is 130")

    t.type(b"echo half-typed")
    t.settle(0.2)
    t.type(b"\x03")
    t.expect(PROMPT1, timeout=2.0)
    t.type(b"echo next\r")
    t.expect(rb"\r\nnext\r\n")
    t.expect(PROMPT1)
    if b"\r\nhalf-typed" in t.screen:
        raise AssertionError("the abandoned line ran:\n" + t.tail())
    ok("^C at the prompt abandons the line")

    t.type(b"true\r")
    t.expect(PROMPT1)
    t.type(b"\x04")
    status = t.wait()
    if status != 0:
        raise AssertionError("^D: exit status %d, expected 0" % status)
    ok("^D leaves the shell with status 0")

    if canary.encode() in t.screen:
        raise AssertionError("the canary appeared on the screen")
    ok("the canary never appeared")
    return checks


def check_history(home):
    path = os.path.join(home, ".ocapsh_history")
    st = os.stat(path)
    if st.st_mode & 0o077:
        raise AssertionError("history mode %o, expected 0600" % st.st_mode)
    text = open(path, encoding="utf-8", errors="replace").read()
    # libedit writes spaces as \040.
    if "cat\\040notes.txt" not in text and "cat notes.txt" not in text:
        raise AssertionError("history lacks 'cat notes.txt':\n" + text)
    print("ok: the history is saved, mode 0600")


def no_home(ocapsh, work):
    """Without HOME: history in memory only, exit N leaves with N."""
    t = Term(ocapsh, work, {"PATH": "/usr/bin:/bin", "TERM": "xterm"})
    t.expect(PROMPT0)
    t.type(b"exit 3\r")
    status = t.wait()
    if status != 3:
        raise AssertionError("exit 3: status %d" % status)
    if os.path.exists(os.path.join(work, ".ocapsh_history")):
        raise AssertionError("a history file without HOME")
    print("ok: without HOME, no history file; exit 3 leaves with 3")


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    ocapsh = os.path.abspath(sys.argv[1])
    if landlock_abi() < 1:
        print("SKIP: Landlock is not enabled in this kernel")
        return SKIP
    tmp = tempfile.mkdtemp(prefix="ocap-pty.")
    try:
        work = os.path.join(tmp, "work")
        home = os.path.join(tmp, "home")
        os.mkdir(work)
        os.mkdir(home)
        os.mkdir(os.path.join(tmp, "canary"))
        notes = "notes-%d-granted" % os.getpid()
        canary = "CANARY-%d-must-stay-unread" % os.getpid()
        with open(os.path.join(work, "notes.txt"), "w") as f:
            f.write(notes + "\n")
        with open(os.path.join(tmp, "canary", "secret.txt"), "w") as f:
            f.write(canary + "\n")
        try:
            checks = session(ocapsh, work, home, notes, canary)
            check_history(home)
            no_home(ocapsh, work)
        except AssertionError as e:
            print("FAIL:", e)
            return 1
        print("%d checks passed" % (len(checks) + 2))
        return 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
