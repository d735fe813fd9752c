#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""ocapsh in a real terminal: Ctrl-C reaches the program, not the broker,
and ocapsh reports the program's death by SIGINT (130); from an
interactive shell, Ctrl-Z stops the whole job and fg resumes it; output
reaches the terminal."""
import os, pty, select, signal, sys, time

OCAPSH = sys.argv[1]
failed = []
passed = []


def spawn(args):
    pid, fd = pty.fork()
    if pid == 0:
        os.execv(OCAPSH, [OCAPSH] + args)
    return pid, fd


def read_until(fd, text, timeout):
    buf, end = b"", time.monotonic() + timeout
    while time.monotonic() < end:
        r, _, _ = select.select([fd], [], [], 0.1)
        if r:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            buf += chunk
            if text in buf:
                return buf
    return buf


def wait(pid, timeout):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        got, st = os.waitpid(pid, os.WNOHANG | os.WUNTRACED)
        if got:
            return st
        time.sleep(0.05)
    return None


def check(name, ok, why=""):
    print(("ok: " if ok else "FAIL: ") + name + ("" if ok else ": " + why))
    (passed if ok else failed).append(name)


# 1. Ctrl-C: the sleeping program dies of SIGINT; ocapsh exits 130.
pid, fd = spawn(["--rx", "/usr/bin", "--", "/usr/bin/sh", "-c", "echo ready; exec /usr/bin/sleep 30"])
out = read_until(fd, b"ready", 5)
check("output reaches the terminal", b"ready" in out, repr(out))
time.sleep(0.2)
t0 = time.monotonic()
os.write(fd, b"\x03")
st = wait(pid, 3)
check("ctrl-c ends the program", st is not None, "still running after 3 s")
if st is not None:
    code = os.waitstatus_to_exitcode(st)
    check("ctrl-c status 130", code == 130, "exit %r" % code)
    check("ctrl-c is prompt", time.monotonic() - t0 < 2, "took too long")
else:
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
os.close(fd)

# 2. Job control from an interactive shell: Ctrl-Z stops the job (ocapsh
#    and the program share its process group), fg resumes it and it
#    finishes normally.
pid, fd = pty.fork()
if pid == 0:
    os.environ["PS1"] = "PROMPT> "
    os.execv("/bin/bash", ["bash", "--norc", "--noprofile", "-i"])
read_until(fd, b"PROMPT> ", 5)
os.write(fd, ("%s --rx /usr/bin -- /usr/bin/sh -c "
              "'echo ready; /usr/bin/sleep 1; echo done'\n" % OCAPSH).encode())
read_until(fd, b"ready\r\n", 5)  # the program's line: the echo has "ready;"
time.sleep(0.1)
os.write(fd, b"\x1a")
out = read_until(fd, b"Stopped", 3)
check("ctrl-z stops the job", b"Stopped" in out, repr(out[-200:]))
# The marker is split in the command so its echo cannot match it.
os.write(fd, b"fg; echo fg-\"\"status=$?\n")
out = read_until(fd, b"fg-status=", 6)
check("fg resumes it to the end", b"done\r\n" in out and b"fg-status=0" in out,
      repr(out[-200:]))
os.write(fd, b"exit\n")
if wait(pid, 3) is None:
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
os.close(fd)

print("%d passed, %d failed" % (len(passed), len(failed)))
sys.exit(1 if failed else 0)
