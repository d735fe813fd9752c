#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""coverage.py LIBC_A OVERLAY_A COVERAGE_TXT [--list]

Fails unless every function musl's libc.a exports that takes a global
path or makes a socket is accounted for in libc-overlay/coverage.txt:
covered by the overlay, refused with a reason, or left to src/net ("net").

Which functions take paths is read from libc.a itself, so that a new musl
brings its new functions to this test's attention:

1. Each member of libc.a is disassembled (objdump -dr) and the system
   calls it makes are found: the number in %rax at a `syscall`
   instruction, or in %rdi at a call to __syscall_cp (musl's cancellable
   calls), followed through moves between registers.  A member that makes
   one of SYSCALLS below takes a path (or names a socket address) itself.
   The list is musl's path system calls: every SYS_* that
   `grep -rE 'SYS_[a-z0-9_]+' musl-1.2.3/src` shows taking a pathname
   (open, stat, ..., AT_FDCWD forms included), plus the socket calls.
2. nm gives each member's definitions and references; a member that
   references a function of a flagged member is flagged too (creat calls
   open; getpwnam reaches fopen; localtime reaches __map_file).
3. Every global function defined by a flagged member, and the EXTRA ones
   below (which take a system call number), must have a line in
   coverage.txt.

And checks the entries: "covered" means the overlay defines the function,
or musl's own object for it makes no path system call itself and every
flagged function it references is covered (or "net": src/net's); a name
coverage.txt gives must exist in libc.a.  It also checks that when the overlay replaces one of
libc.a's members it defines every global symbol of that member, or the
link would pull the member in beside it.
"""
import collections
import re
import subprocess
import sys

SYSCALLS = {  # x86_64 numbers
    2: "open", 4: "stat", 6: "lstat", 21: "access", 59: "execve",
    76: "truncate", 80: "chdir", 82: "rename", 83: "mkdir", 84: "rmdir",
    85: "creat", 86: "link", 87: "unlink", 88: "symlink", 89: "readlink",
    90: "chmod", 92: "chown", 94: "lchown", 132: "utime", 133: "mknod",
    134: "uselib", 137: "statfs", 155: "pivot_root", 161: "chroot",
    163: "acct", 165: "mount", 166: "umount2", 167: "swapon",
    168: "swapoff", 179: "quotactl", 188: "setxattr", 189: "lsetxattr",
    191: "getxattr", 192: "lgetxattr", 194: "listxattr",
    195: "llistxattr", 197: "removexattr", 198: "lremovexattr",
    235: "utimes", 240: "mq_open", 241: "mq_unlink",
    254: "inotify_add_watch", 257: "openat", 258: "mkdirat",
    259: "mknodat", 260: "fchownat", 261: "futimesat", 262: "newfstatat",
    263: "unlinkat", 264: "renameat", 265: "linkat", 266: "symlinkat",
    267: "readlinkat", 268: "fchmodat", 269: "faccessat", 280: "utimensat",
    301: "fanotify_mark", 303: "name_to_handle_at", 316: "renameat2",
    322: "execveat", 332: "statx", 437: "openat2", 439: "faccessat2",
    # sockets: made, connected, bound, or sent to an address
    41: "socket", 42: "connect", 43: "accept", 44: "sendto",
    46: "sendmsg", 49: "bind", 50: "listen", 53: "socketpair",
    288: "accept4", 307: "sendmmsg",
}
# Take any system call number, so any path.
EXTRA = {"syscall"}
CALL_SYSCALL = {"__syscall_cp", "__syscall_cp_asm", "__alt_socketcall"}

REGS = {}
for names in (("rax", "eax", "ax", "al"), ("rbx", "ebx", "bx", "bl"),
              ("rcx", "ecx", "cx", "cl"), ("rdx", "edx", "dx", "dl"),
              ("rsi", "esi", "si", "sil"), ("rdi", "edi", "di", "dil"),
              ("rbp", "ebp", "bp", "bpl"), ("rsp", "esp", "sp", "spl")):
    for n in names:
        REGS[n] = names[0]
for i in range(8, 16):
    for s in ("", "d", "w", "b"):
        REGS["r%d%s" % (i, s)] = "r%d" % i
CLOBBERED = {"rax", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11"}


def run(*cmd):
    return subprocess.run(cmd, check=True, capture_output=True,
                          text=True).stdout


def member_of(line):
    m = re.match(r"^(\S+\.lo?):\s+file format", line)
    return m.group(1) if m else None


def direct_syscalls(libc):
    """member -> the SYSCALLS it makes itself."""
    found = collections.defaultdict(set)
    member, regs, last_call = None, {}, None
    for line in run("objdump", "-dr", "--no-show-raw-insn", libc).splitlines():
        m = member_of(line)
        if m:
            member, regs = m, {}
            continue
        if re.match(r"^[0-9a-f]+ <", line):
            regs = {}
            continue
        reloc = re.search(r"R_X86_64_PLT32\s+(\S+?)-0x4", line)
        if reloc:
            if reloc.group(1) in CALL_SYSCALL and last_call is not None:
                n = last_call.get("rdi")
                if n in SYSCALLS:
                    found[member].add(SYSCALLS[n])
            continue
        m = re.match(r"^\s+[0-9a-f]+:\t(\S+)\s*(.*)$", line)
        if not m:
            continue
        op, args = m.group(1), m.group(2).split("#")[0].strip()
        if op == "syscall":
            n = regs.get("rax")
            if n in SYSCALLS:
                found[member].add(SYSCALLS[n])
            continue
        if op.startswith("call") or op.startswith("jmp"):
            last_call = dict(regs)  # the arguments, for the reloc line
            for r in CLOBBERED:
                regs.pop(r, None)
            continue
        ops = [a.strip() for a in re.split(r",(?![^(]*\))", args)] if args else []
        dst = ops[-1] if ops else ""
        d = REGS.get(dst[1:]) if dst.startswith("%") else None
        if d is None:
            continue
        if op.startswith("mov") and len(ops) == 2:
            s = ops[0]
            if s.startswith("$"):
                try:
                    regs[d] = int(s[1:], 0)
                except ValueError:
                    regs.pop(d, None)
            elif s.startswith("%") and REGS.get(s[1:]) in regs:
                regs[d] = regs[REGS[s[1:]]]
            else:
                regs.pop(d, None)
        elif op.startswith("xor") and len(ops) == 2 and ops[0] == ops[1]:
            regs[d] = 0
        else:
            regs.pop(d, None)
    return found


def symbols(archive):
    """(member -> defined global functions, member -> references,
    every global symbol of each member)."""
    defs = collections.defaultdict(set)
    refs = collections.defaultdict(set)
    glob = collections.defaultdict(set)
    out = run("nm", "-A", archive)
    for line in out.splitlines():
        m = re.match(r"^[^:]+:([^:]+):\s*[0-9a-f]*\s+(\w)\s+(\S+)$", line)
        if not m:
            continue
        member, t, sym = m.groups()
        if t == "U":
            refs[member].add(sym)
        elif t.isupper() or t in "vw":
            glob[member].add(sym)
            if t in "TW":
                defs[member].add(sym)
    return defs, refs, glob


def parse_coverage(path):
    entries, errors = {}, []
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.split("#", 1)[0].rstrip() if line.lstrip().startswith("#") else line.rstrip()
            if not line.strip():
                continue
            parts = line.split(None, 2)
            name, status = parts[0], parts[1] if len(parts) > 1 else ""
            note = parts[2] if len(parts) > 2 else ""
            where = "%s:%d" % (path, n)
            if status not in ("covered", "refused", "net"):
                errors.append("%s: %s: status must be covered, refused or net"
                              % (where, name))
            elif status == "refused" and not note:
                errors.append("%s: %s: refused needs a reason" % (where, name))
            if name in entries:
                errors.append("%s: %s: listed twice" % (where, name))
            entries[name] = (status, note, where)
    return entries, errors


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    listing = "--list" in sys.argv
    if len(args) != 3:
        print(__doc__.splitlines()[0], file=sys.stderr)
        return 2
    libc, overlay, coverage = args

    arch = run("objdump", "-f", libc)
    if "x86-64" not in arch:
        print("coverage: skipped: the scan reads x86_64 code only")
        return 77
    direct = direct_syscalls(libc)
    defs, refs, glob = symbols(libc)
    odefs, _, oglob = symbols(overlay)
    overlay_defined = set().union(*oglob.values()) if oglob else set()
    owner = {}
    for member, syms in defs.items():
        for s in syms:
            owner.setdefault(s, member)

    # The closure: members reaching a flagged member's function.
    flagged = {m: "makes " + ",".join(sorted(s)) for m, s in direct.items()}
    changed = True
    while changed:
        changed = False
        for member in sorted(refs):
            if member in flagged:
                continue
            for s in sorted(refs[member]):
                if owner.get(s) in flagged:
                    flagged[member] = "calls " + s
                    changed = True
                    break
    candidates = {}
    for member, why in flagged.items():
        for s in defs[member]:
            candidates[s] = (member, why)
    for s in EXTRA:
        if s in owner:
            candidates[s] = (owner[s], "takes a system call number")

    def reaching(member):
        return sorted(r for r in refs.get(member, ()) if owner.get(r) in flagged)

    if listing:  # NAME MEMBER WHY | the flagged functions it calls
        for s in sorted(candidates):
            member, why = candidates[s]
            print("%s %s %s | %s" % (s, member, why.replace(" ", "="),
                                     " ".join(reaching(member))))
        return 0

    entries, errors = parse_coverage(coverage)
    for s in sorted(candidates):
        if s not in entries:
            member, why = candidates[s]
            errors.append("%s: not in %s (libc.a's %s %s): covered, refused "
                          "REASON or net?" % (s, coverage, member, why))
    for s, (status, note, where) in sorted(entries.items()):
        if s not in owner:
            errors.append("%s: %s is not a function of libc.a" % (where, s))

    # covered: the overlay's own, or musl's without a path call of its own
    # whose path-reaching references are all covered.
    memo = {}

    def covered(s, stack=()):
        if s in overlay_defined:
            return True, "the overlay"
        if s in memo:
            return memo[s]
        if s in stack:
            return True, "cycle"
        member = owner.get(s)
        if member in direct:
            memo[s] = (False, "musl's %s makes %s itself" %
                       (member, ",".join(sorted(direct[member]))))
            return memo[s]
        for r in reaching(member):
            st = entries.get(r, ("",))[0]
            if st == "net":  # src/net's to cover
                continue
            ok, why = covered(r, stack + (s,)) if st == "covered" else (
                False, "%s is %s" % (r, st or "not listed"))
            if not ok:
                memo[s] = (False, "through %s: %s" % (r, why))
                return memo[s]
        memo[s] = (True, "musl's own")
        return memo[s]

    counts = collections.Counter()
    for s, (status, note, where) in sorted(entries.items()):
        counts[status] += 1
        if status != "covered" or s not in owner:
            continue
        ok, why = covered(s)
        if not ok:
            errors.append("%s: %s is listed covered, but %s" % (where, s, why))

    # A replaced member must be replaced whole.
    for member, syms in sorted(glob.items()):
        taken = syms & overlay_defined
        if taken and taken != syms:
            errors.append("the overlay defines %s of libc.a's %s but not %s: "
                          "the link would pull that member in beside it" %
                          (",".join(sorted(taken)), member,
                           ",".join(sorted(syms - taken))))

    net_done = sum(1 for s, e in entries.items()
                   if e[0] == "net" and s in overlay_defined)
    print("coverage: %d functions of libc.a take paths or make sockets; "
          "%d covered, %d refused, %d net (%d of them defined in src/net "
          "so far)" % (len(candidates), counts["covered"], counts["refused"],
                       counts["net"], net_done))
    for e in errors:
        print("coverage: " + e, file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
