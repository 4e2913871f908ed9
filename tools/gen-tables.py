#!/usr/bin/env python3
"""Generate seccomp-dsl/src/tables/gen_<arch>.rs from the Linux source and the target's headers.

    tools/gen-tables.py --kernel-src DIR_OR_TARBALL [--check] [--out-dir seccomp-dsl/src/tables]

Python 3.11+ standard library only (tomllib). Everything in the generated tables is
derived here from the inputs; nothing is copied by hand. See tools/README.md for the
decisions this script implements; the short version:

* syscall numbers and entry points: the architecture's syscall table, restricted to the
  ABIs its build uses (read from the kernel's own Makefiles);
* argument order and C types: the `SYSCALL_DEFINEn` of the entry point, choosing between
  `#if` variants by evaluating the conditions against symbols derived from the arch's
  Kconfig `select`s and `asm/unistd.h` `__ARCH_WANT_*` defines;
* argument names: the `include/linux/syscalls.h` prototype if it names every parameter,
  else the man page synopsis if its parameter count matches, else the SYSCALL_DEFINE names;
* widths: the SYSCALL_DEFINE type, typedefs resolved by scanning the kernel headers, then
  narrowed where tools/arguments.toml says the kernel narrows the value, which is proven
  here by following every use of it through the source; every other 64-bit argument must
  have a verdict there too; flag sets come from the same file, their citations checked;
* constants: object-like macros (and enumerators) of a fixed header set, compiled with the
  target's C compiler against the kernel's own `make headers_install` output.

Exit status: 0 on success, 1 on any failure (with a message) or, with --check, when the
committed files differ from what would be generated.
"""

import argparse
import difflib
import glob
import gzip
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import tomllib
from concurrent.futures import ThreadPoolExecutor

# --------------------------------------------------------------------------------------
# Per-architecture configuration. Only *where to look* lives here; every value is read
# from the files named.
# --------------------------------------------------------------------------------------

ARCHES = {
    "x86_64": {
        "srcarch": "x86",  # arch/<srcarch>/ and `make ARCH=`
        # The table and the ABIs are taken from the Makefile that generates the kernel's
        # 64-bit dispatch table (`syscall64 := $(src)/syscall_64.tbl`,
        # `$(out)/syscalls_64.h: abis := common,64`).
        "syscall_makefile": "arch/x86/entry/syscalls/Makefile",
        # Kconfig symbols that define the target (X86_32 is then n: `depends on !64BIT`);
        # everything they select follows (kconfig_values).
        "base_symbols": ["X86_64", "X86", "64BIT"],
        "cc": "gcc",
        "audit_arch": "AUDIT_ARCH_X86_64",
        # Extra headers for this target's constants (x86 arch_prctl codes).
        "extra_headers": ["asm/prctl.h"],
        # Symbol prefix of the kernel's syscall wrappers, for `#define __x64_sys_a __x64_sys_b`.
        "wrapper_prefix": "__x64_sys_",
        # Directories of the arch that are not this target's kernel (User-Mode Linux).
        "excluded_dirs": ["arch/x86/um/"],
    },
    "aarch64": {
        "srcarch": "arm64",
        # The generic rule scripts/Makefile.asm-headers uses `syscall_abis_64 += common,64`
        # and scripts/syscall.tbl, which arch/arm64/kernel/Makefile.syscalls extends
        # (`syscall_abis_64 += renameat rlimit memfd_secret`) and may override
        # (`syscalltbl = arch/arm64/tools/syscall_%.tbl`).
        "asm_headers_makefile": "scripts/Makefile.asm-headers",
        "syscalls_makefile": "arch/arm64/kernel/Makefile.syscalls",
        "base_symbols": ["ARM64", "64BIT"],
        "cc": "aarch64-linux-gnu-gcc",
        "audit_arch": "AUDIT_ARCH_AARCH64",
        "extra_headers": [],
        "wrapper_prefix": "__arm64_sys_",
        "excluded_dirs": [],
    },
}

# Top-level directories never searched for SYSCALL_DEFINE (not kernel code).
EXCLUDED_TOP = ("tools/", "samples/", "Documentation/")

MAN_DIR = "/usr/share/man/man2"

# --- Constants --------------------------------------------------------------------------
#
# Header set. The kernel's uapi headers (from `make headers_install` of the same source) are
# put first on the include path (-I), so <linux/*> and <asm/*> are the 6.12 ones even when
# a glibc header includes them; glibc's own headers come from the compiler's sysroot.
#
# Translation unit 1 (glibc + the uapi headers that coexist with it). glibc's spellings win
# for every name it defines (e.g. glibc's SIGRTMIN is a function call and is dropped rather
# than replaced by the kernel's 32). Left out of TU 1 because they redefine glibc structs
# (struct flock, sigset_t, struct timeval, struct rlimit, struct tcphdr, struct iovec,
# struct termios...): <linux/fcntl.h>, <linux/pidfd.h> (includes linux/fcntl.h),
# <linux/signal.h>, <linux/time.h>, <linux/resource.h>, <linux/eventpoll.h>,
# <linux/tcp.h>, <linux/uio.h>, <linux/termios.h>, and <sys/ptrace.h> (its PTRACE_* are
# enumerators that <linux/ptrace.h>'s macros would clash with; the kernel header is the
# complete one). Those kernel headers go into TU 2, which contributes the names TU 1 does
# not define at all (AT_HANDLE_FID, PIDFD_NONBLOCK, F_DUPFD_QUERY...) and those TU 1 defines
# with the same text but cannot evaluate (TCGETS2: struct termios2 is kernel-only).
TU1_HEADERS = [
    "errno.h", "fcntl.h", "unistd.h", "stdio.h", "signal.h", "sched.h", "time.h",
    "sys/socket.h", "sys/mman.h", "sys/prctl.h", "sys/ioctl.h", "sys/stat.h", "sys/uio.h",
    "netinet/in.h", "netinet/tcp.h", "sys/epoll.h", "sys/eventfd.h", "sys/timerfd.h",
    "sys/inotify.h", "sys/random.h", "sys/resource.h", "sys/wait.h", "sys/file.h",
    "sys/mount.h",
    "linux/futex.h", "linux/memfd.h", "linux/seccomp.h", "linux/audit.h", "linux/ptrace.h",
    "linux/sched.h", "linux/falloc.h", "linux/netlink.h", "linux/sockios.h", "linux/fs.h",
    "linux/mount.h", "linux/wait.h", "linux/close_range.h", "linux/openat2.h",
    "linux/landlock.h", "linux/keyctl.h", "linux/membarrier.h", "linux/userfaultfd.h",
    "linux/perf_event.h", "linux/bpf.h", "linux/ioprio.h", "linux/mempolicy.h",
    "linux/xattr.h", "linux/mman.h", "linux/stat.h", "linux/fiemap.h",
]
TU2_HEADERS = [
    "linux/fcntl.h", "linux/pidfd.h", "linux/signal.h", "linux/time.h", "linux/resource.h",
    "linux/eventpoll.h", "linux/tcp.h", "linux/uio.h", "linux/termios.h", "linux/stat.h",
    "linux/wait.h", "linux/serial.h",
]

# Which macro/enumerator names become constants. Matched against the name with leading
# underscores removed (so __WALL, __O_TMPFILE, __SIGRTMIN are kept as the headers define
# them); include guards (`_FOO_H`) are skipped. Errno names (E[A-Z0-9]+) are taken only
# from what <errno.h> alone defines.
CONST_PREFIXES = [
    "O_", "AT_", "AF_", "PF_", "SOCK_", "PROT_", "MAP_", "MREMAP_", "MADV_", "MS_", "MNT_",
    "MOUNT_ATTR_", "UMOUNT_", "CLONE_", "CSIGNAL", "PR_", "F_", "FD_", "SEEK_", "SIG", "SA_",
    "SOL_", "SO_", "IPPROTO_", "IP_", "IPV6_", "TCP_", "MSG_", "SHUT_", "EPOLL", "EFD_",
    "TFD_", "IN_", "MFD_", "GRND_", "FUTEX_", "FUTEX2_", "CLOCK_", "TIMER_ABSTIME", "RLIMIT_",
    "R_OK", "W_OK", "X_OK", "RENAME_", "S_I", "SECCOMP_", "PTRACE_", "ARCH_", "AUDIT_ARCH_",
    "SPLICE_F_", "XATTR_", "LOCK_", "STATX_", "SCHED_", "MCL_", "MLOCK_", "POSIX_FADV_",
    "FALLOC_FL_", "NETLINK_", "SIOC", "TC", "TIOC", "FIO", "FS_IOC_", "P_", "PIDFD_",
    "CLOSE_RANGE_", "OPEN_TREE_", "MOVE_MOUNT_", "FSOPEN_", "FSCONFIG_", "FSMOUNT_",
    "FSPICK_", "RWF_", "IOPRIO_", "MEMBARRIER_", "KEYCTL_", "LANDLOCK_", "UFFD",
    "PERF_FLAG_", "BPF_F_", "SYNC_FILE_RANGE_", "SS_", "MPOL_", "MCAST_", "RESOLVE_",
]
# Prefix matches that are not what the prefix is for (<stdint.h>'s SIG_ATOMIC_MIN/MAX).
CONST_EXCLUDED_PREFIXES = ["SIG_ATOMIC_"]
# wait(2) flags: exact names (a `W` prefix would catch everything).
CONST_EXACT = re.compile(r"W(NOHANG|UNTRACED|EXITED|STOPPED|CONTINUED|NOWAIT|ALL|NOTHREAD|CLONE)\Z")

C_KEYWORDS = set("""
auto break case char const continue default do double else enum extern float for goto if
inline int long register restrict return short signed sizeof static struct switch typedef
union unsigned void volatile while _Bool _Complex _Imaginary _Alignas _Alignof _Atomic
_Generic _Noreturn _Static_assert _Thread_local alignas alignof bool constexpr false nullptr
static_assert thread_local true typeof typeof_unqual
""".split())
# Qualifiers/annotations dropped when resolving a type (not when printing `ty`, except
# __user which `ty` drops too).
TYPE_NOISE = {"const", "volatile", "__user", "__force", "__bitwise", "__bitwise__", "restrict",
              "__restrict", "__restrict__", "__iomem", "__rcu", "__percpu", "__kernel",
              "_Nullable", "_Nonnull"}
BASE_KEYWORDS = {"signed", "unsigned", "char", "short", "int", "long", "_Bool", "void",
                 "__signed__", "__signed"}


class GenError(Exception):
    pass


def fail(msg):
    raise GenError(msg)


WARNINGS = []  # printed at the end and summarised in the generated files


def warn(arch, msg):
    WARNINGS.append((arch, msg))


# --------------------------------------------------------------------------------------
# C text helpers
# --------------------------------------------------------------------------------------

_COMMENT_RE = re.compile(
    r"//[^\n]*|/\*.*?\*/|\"(?:\\.|[^\"\\\n])*\"|'(?:\\.|[^'\\\n])*'", re.S)


def strip_comments(text):
    """Replaces comments by spaces (keeping newlines); keeps string/char literals."""

    def repl(m):
        s = m.group(0)
        if s.startswith("/"):
            return re.sub(r"[^\n]", " ", s) if s.startswith("/*") else " "
        return s

    return _COMMENT_RE.sub(repl, text)


def logical_lines(text):
    """[(first_lineno, text)] with backslash-newline continuations joined."""
    out = []
    cur, start = None, 0
    for i, line in enumerate(text.split("\n"), 1):
        if cur is None:
            cur, start = line, i
        else:
            cur += line
        if cur.endswith("\\"):
            cur = cur[:-1]
            continue
        out.append((start, cur))
        cur = None
    if cur is not None:
        out.append((start, cur))
    return out


def split_top(s, sep=","):
    """Splits on `sep` outside (), [], {}."""
    parts, depth, cur = [], 0, []
    for ch in s:
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        if ch == sep and depth == 0:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    parts.append("".join(cur))
    return [p.strip() for p in parts]


def match_paren(s, i):
    """s[i] == '('; returns index of the matching ')'."""
    depth = 0
    for j in range(i, len(s)):
        if s[j] == "(":
            depth += 1
        elif s[j] == ")":
            depth -= 1
            if depth == 0:
                return j
    return -1


# --------------------------------------------------------------------------------------
# Preprocessor conditions (#if/#ifdef/#ifndef/#elif/#else/#endif), three-valued:
# True, False, or None when a condition uses something we cannot evaluate
# (__has_include, an unknown function-like macro...). Unknown identifiers are 0, as in cpp.
# --------------------------------------------------------------------------------------

_PP_TOKEN = re.compile(
    r"\s*(?:(0[xX][0-9a-fA-F]+|\d+)[uUlL]*|([A-Za-z_]\w*)|(&&|\|\||==|!=|<=|>=|<<|>>|[-+*/%<>!~&|^?:(),]))")


def _pp_tokens(s):
    toks, i = [], 0
    s = s.rstrip()
    while i < len(s):
        m = _PP_TOKEN.match(s, i)
        if not m or m.end() == i:
            if s[i:].strip() == "":
                break
            return None  # something we do not understand (string, char literal...)
        if m.group(1) is not None:
            t = m.group(1)
            if t.lower().startswith("0x"):
                v = int(t, 16)
            elif len(t) > 1 and t.startswith("0"):
                v = int(t, 8)
            else:
                v = int(t)
            toks.append(("num", v))
        elif m.group(2) is not None:
            toks.append(("id", m.group(2)))
        else:
            toks.append(("op", m.group(3)))
        i = m.end()
    return toks


def tri_and(a, b):
    if a is False or b is False:
        return False
    if a is None or b is None:
        return None
    return True


def tri_or(a, b):
    if a is True or b is True:
        return True
    if a is None or b is None:
        return None
    return False


def tri_not(a):
    return None if a is None else (not a)


class PPEnv:
    """Macro environment: object-like macros with their bodies, names of function-like ones."""

    def __init__(self, objects=None, functions=None):
        self.objects = dict(objects or {})
        self.functions = set(functions or ())
        self.config_values = {}  # Kconfig symbol -> True/False (absent: unknown)
        self.config_declared = None  # Kconfig symbols declared at all (None: no Kconfig)

    def copy(self):
        e = PPEnv(self.objects, self.functions)
        e.config_values, e.config_declared = self.config_values, self.config_declared
        return e

    def defined(self, name):
        """True/False, or None for a CONFIG_ symbol whose value is unknown."""
        if name in self.objects or name in self.functions:
            return True
        if name and name.startswith("CONFIG_") and self.config_declared is not None:
            sym = name[7:]
            if sym not in self.config_declared and sym.endswith("_MODULE"):
                sym = sym[:-7]  # CONFIG_FOO_MODULE: FOO=m; unknown unless FOO is known
            if sym not in self.config_declared:
                return False
            v = self.config_values.get(sym)
            return False if v is not None else None  # y symbols are in self.objects
        return False

    # -- evaluation --
    def _expand(self, toks, hiding, depth=0):
        out, i = [], 0
        while i < len(toks):
            kind, v = toks[i]
            if kind == "id" and v == "defined":
                if i + 1 < len(toks) and toks[i + 1] == ("op", "("):
                    name = toks[i + 2][1] if i + 2 < len(toks) else None
                    i += 4
                else:
                    name = toks[i + 1][1] if i + 1 < len(toks) else None
                    i += 2
                dv = self.defined(name)
                out.append(("unknown", name) if dv is None else ("num", 1 if dv else 0))
                continue
            if kind == "id":
                nxt = toks[i + 1] if i + 1 < len(toks) else None
                if nxt == ("op", "("):
                    j, d = i + 1, 0
                    while j < len(toks):
                        if toks[j] == ("op", "("):
                            d += 1
                        elif toks[j] == ("op", ")"):
                            d -= 1
                            if d == 0:
                                break
                        j += 1
                    args = toks[i + 2:j]
                    if v in ("IS_ENABLED", "IS_BUILTIN", "IS_REACHABLE") and len(args) == 1:
                        dv = self.defined(args[0][1])
                        out.append(("unknown", v) if dv is None else ("num", 1 if dv else 0))
                    elif v == "IS_MODULE":
                        out.append(("num", 0))
                    else:
                        out.append(("unknown", v))
                    i = j + 1
                    continue
                if v in self.objects and v not in hiding and depth < 32:
                    body = _pp_tokens(self.objects[v])
                    if body is None:
                        out.append(("unknown", v))
                    elif body:
                        out.append(("op", "("))
                        out.extend(self._expand(body, hiding | {v}, depth + 1))
                        out.append(("op", ")"))
                    else:
                        out.append(("num", 1))  # `#define FOO` used as a value
                    i += 1
                    continue
                dv = self.defined(v)
                out.append(("unknown", v) if dv is None else ("num", 0))
                i += 1
                continue
            out.append(toks[i])
            i += 1
        return out

    def eval(self, expr):
        toks = _pp_tokens(expr)
        if toks is None:
            return None
        toks = self._expand(toks, frozenset())
        p = _ExprParser(toks)
        try:
            v = p.ternary()
            if p.i != len(toks):
                return None
        except (IndexError, ZeroDivisionError, ValueError):
            return None
        if v is None:
            return None
        return v != 0


class _ExprParser:
    """Precedence-climbing evaluator over expanded tokens; None propagates as 'unknown'."""

    BIN = [
        ["||"], ["&&"], ["|"], ["^"], ["&"], ["==", "!="], ["<", ">", "<=", ">="],
        ["<<", ">>"], ["+", "-"], ["*", "/", "%"],
    ]

    def __init__(self, toks):
        self.t, self.i = toks, 0

    def peek(self):
        return self.t[self.i] if self.i < len(self.t) else (None, None)

    def ternary(self):
        c = self.binary(0)
        if self.peek() == ("op", "?"):
            self.i += 1
            a = self.ternary()
            if self.peek() != ("op", ":"):
                raise ValueError("?:")
            self.i += 1
            b = self.ternary()
            if c is None:
                return a if a == b else None
            return a if c else b
        return c

    def binary(self, level):
        if level == len(self.BIN):
            return self.unary()
        left = self.binary(level + 1)
        while True:
            kind, op = self.peek()
            if kind != "op" or op not in self.BIN[level]:
                return left
            self.i += 1
            right = self.binary(level + 1)
            left = self.apply(op, left, right)

    @staticmethod
    def apply(op, a, b):
        if op == "&&":
            if a == 0 or b == 0:
                return 0
            return None if a is None or b is None else 1
        if op == "||":
            if (a is not None and a != 0) or (b is not None and b != 0):
                return 1
            return None if a is None or b is None else 0
        if a is None or b is None:
            return None
        return {
            "|": lambda: a | b, "^": lambda: a ^ b, "&": lambda: a & b,
            "==": lambda: int(a == b), "!=": lambda: int(a != b), "<": lambda: int(a < b),
            ">": lambda: int(a > b), "<=": lambda: int(a <= b), ">=": lambda: int(a >= b),
            "<<": lambda: a << b, ">>": lambda: a >> b, "+": lambda: a + b,
            "-": lambda: a - b, "*": lambda: a * b, "/": lambda: int(a / b),
            "%": lambda: a % b,
        }[op]()

    def unary(self):
        kind, v = self.peek()
        if kind == "op" and v in ("!", "~", "-", "+"):
            self.i += 1
            x = self.unary()
            if x is None:
                return None
            return {"!": int(not x), "~": ~x, "-": -x, "+": x}[v]
        if kind == "op" and v == "(":
            self.i += 1
            x = self.ternary()
            if self.peek() != ("op", ")"):
                raise ValueError(")")
            self.i += 1
            return x
        self.i += 1
        if kind == "num":
            return v
        if kind == "unknown":
            return None
        raise ValueError("token %r" % (v,))


_DIRECTIVE = re.compile(r"\s*#\s*(\w+)\s*(.*)", re.S)


def pp_scan(text, env):
    """Walks a C file's logical lines tracking conditional nesting.

    Yields (lineno, kind, payload, active) where kind is 'code' (payload: the line),
    'include' (payload: the header name) or 'define' (payload: (name, body)); `active` is
    True/False/None. `#define`/`#undef` seen in active (True) regions update `env`.
    """
    stack = []  # [cur, taken]
    active = True
    text = strip_comments(text)

    def recompute():
        a = True
        for cur, _ in stack:
            a = tri_and(a, cur)
        return a

    for lineno, line in logical_lines(text):
        m = _DIRECTIVE.match(line)
        if not m:
            yield lineno, "code", line, active
            continue
        d, rest = m.group(1), m.group(2).strip()
        if d in ("if", "ifdef", "ifndef"):
            if d == "if":
                v = env.eval(rest)
            else:
                name = rest.split()[0] if rest.split() else ""
                v = env.defined(name)
                if d == "ifndef":
                    v = tri_not(v)
            stack.append([v, v])
            active = recompute()
        elif d == "elif":
            if not stack:
                continue
            taken = stack[-1][1]
            v = env.eval(rest)
            stack[-1] = [tri_and(tri_not(taken), v), tri_or(taken, v)]
            active = recompute()
        elif d == "else":
            if stack:
                stack[-1][0] = tri_not(stack[-1][1])
                active = recompute()
        elif d == "endif":
            if stack:
                stack.pop()
                active = recompute()
        elif d == "define":
            dm = re.match(r"([A-Za-z_]\w*)(\()?\s*(.*)", rest, re.S)
            if dm:
                name, fn, body = dm.group(1), dm.group(2), dm.group(3).strip()
                if active is True:
                    if fn:
                        env.functions.add(name)
                        env.objects.pop(name, None)
                    else:
                        env.objects[name] = body
                        env.functions.discard(name)
                if not fn:
                    yield lineno, "define", (name, body), active
        elif d == "undef":
            if active is True and rest:
                env.objects.pop(rest.split()[0], None)
                env.functions.discard(rest.split()[0])
        elif d == "include":
            im = re.match(r"[<\"]([^>\"]+)[>\"]", rest)
            if im:
                yield lineno, "include", im.group(1), active


def code_text(text, env):
    """Returns (joined code text, per-line active flags, local #defines seen, per-line
    numbers): directive lines are blanked so offsets map back to lines."""
    lines, actives, defines, numbers = [], [], [], []
    for lineno, kind, payload, active in pp_scan(text, env):
        if kind == "code":
            lines.append(payload)
            actives.append(active)
            numbers.append(lineno)
        elif kind == "define":
            defines.append((payload[0], payload[1], active))
    return "\n".join(lines), actives, defines, numbers


def line_of(offsets, pos):
    """Index of the line containing character `pos`, given line start offsets."""
    lo, hi = 0, len(offsets) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if offsets[mid] <= pos:
            lo = mid
        else:
            hi = mid - 1
    return lo


def line_offsets(text):
    offs, pos = [0], 0
    for line in text.split("\n")[:-1]:
        pos += len(line) + 1
        offs.append(pos)
    return offs


# --------------------------------------------------------------------------------------
# Kernel source tree
# --------------------------------------------------------------------------------------

def tar_member_needed(path, cited=frozenset()):
    """Which members of the kernel tarball are extracted (path without the top dir).
    `cited`: files arguments.toml reads.

    `None` means "only if its content mentions SYSCALL_DEFINE" (.c files, arch .S files
    for asm entry points): that decision needs the content.
    """
    if "/" not in path or path in cited:
        return True  # top-level Makefile, Kbuild, Kconfig...; files arguments.toml cites
    top = path.split("/", 1)[0] + "/"
    if top in ("scripts/", "include/", "usr/") or path.startswith("tools/include/"):
        return True  # headers_install (x86's archscripts build relocs with tools/include)
    base = path.rsplit("/", 1)[-1]
    if base.startswith("Kconfig"):
        # kconfig_values follows `source` from the top Kconfig, which also reaches other
        # arches' files (crypto/Kconfig: `if ARM source "arch/arm/crypto/Kconfig"`),
        # samples/ and Documentation/.
        return True
    if path.startswith("arch/"):
        parts = path.split("/")
        if len(parts) == 2 or parts[1] not in {a["srcarch"] for a in ARCHES.values()}:
            return False
        if parts[2] in ("include", "tools"):
            return True
        if base.startswith(("Makefile", "Kbuild")) or base.endswith(".tbl"):
            return True
        if base.endswith((".c", ".S")):
            return None
        return False
    if top in EXCLUDED_TOP:
        return False
    if path.endswith(".c"):
        return None
    return False


def extract_tarball(tarball, dest, cited=frozenset()):
    """Extracts what the generator needs (see tar_member_needed) into dest."""
    n = 0
    with tarfile.open(tarball, "r|*") as tf:
        root = None
        for m in tf:
            name = m.name
            if root is None:
                root = name.split("/", 1)[0]
            if "/" not in name:
                continue
            rel = name.split("/", 1)[1]
            if not rel or not (m.isfile() or m.issym()):
                continue
            if rel.startswith("/") or ".." in rel.split("/"):
                fail("%s: unexpected member %s" % (tarball, name))
            need = tar_member_needed(rel, cited)
            if need is False:
                continue
            if m.issym():
                # Symlinks inside the tree (a few arch headers): recreate them.
                target = os.path.join(dest, rel)
                os.makedirs(os.path.dirname(target), exist_ok=True)
                if not os.path.lexists(target):
                    os.symlink(m.linkname, target)
                continue
            data = tf.extractfile(m).read()
            if need is None and b"SYSCALL_DEFINE" not in data and b"_sys_" not in data:
                continue
            target = os.path.join(dest, rel)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "wb") as f:
                f.write(data)
            os.chmod(target, m.mode & 0o777 | 0o600)
            n += 1
    if n == 0:
        fail("%s: nothing extracted" % tarball)
    return dest


class Tree:
    def __init__(self, root):
        self.root = root
        if not os.path.isfile(self.path("Makefile")):
            fail("%s does not look like a Linux source tree (no Makefile)" % root)
        mk = self.read("Makefile")
        ver = re.search(r"^VERSION\s*=\s*(\d+)", mk, re.M)
        pl = re.search(r"^PATCHLEVEL\s*=\s*(\d+)", mk, re.M)
        if not ver or not pl:
            fail("cannot read VERSION/PATCHLEVEL from %s" % self.path("Makefile"))
        self.version = "%s.%s" % (ver.group(1), pl.group(1))
        self._c_files = None

    def path(self, rel):
        return os.path.join(self.root, rel)

    def exists(self, rel):
        return os.path.exists(self.path(rel))

    def read(self, rel):
        with open(self.path(rel), encoding="utf-8", errors="replace") as f:
            return f.read()

    def files(self, under, exts):
        out = []
        base = self.path(under)
        for dirpath, dirnames, filenames in os.walk(base):
            dirnames.sort()
            for fn in sorted(filenames):
                if fn.endswith(exts):
                    out.append(os.path.relpath(os.path.join(dirpath, fn), self.root))
        return out

    def syscall_sources(self):
        """All .c files (and arch .S files) mentioning SYSCALL_DEFINE or a wrapper symbol,
        outside EXCLUDED_TOP. Returned with their content, sorted by path."""
        if self._c_files is None:
            res = []
            for dirpath, dirnames, filenames in os.walk(self.root):
                rel_dir = os.path.relpath(dirpath, self.root)
                rel_dir = "" if rel_dir == "." else rel_dir + "/"
                dirnames[:] = sorted(d for d in dirnames
                                     if (rel_dir + d + "/") not in EXCLUDED_TOP
                                     and not d.startswith("."))
                for fn in sorted(filenames):
                    if not fn.endswith((".c", ".S")):
                        continue
                    rel = rel_dir + fn
                    if fn.endswith(".S") and not rel.startswith("arch/"):
                        continue
                    with open(os.path.join(dirpath, fn), "rb") as f:
                        data = f.read()
                    if b"SYSCALL_DEFINE" in data or b"_sys_" in data:
                        res.append((rel, data.decode("utf-8", "replace")))
            res.sort()
            self._c_files = res
        return self._c_files


# --------------------------------------------------------------------------------------
# Per-arch symbols for #if evaluation
# --------------------------------------------------------------------------------------

class KBlock:
    """One `config SYM` entry of a Kconfig file."""

    def __init__(self, sym, where, deps):
        self.sym, self.where = sym, where
        self.deps = list(deps)  # expressions that must all hold
        self.prompt = False
        self.defaults = []  # (value expr, condition expr or None)
        self.selects = []  # (symbol, condition expr or None)


def parse_kconfig(text, where, inherited=()):
    """(blocks, sources) of one Kconfig file: help texts skipped, `if`/`menu` dependencies
    (and those `inherited` from the `source` line that read this file) applied; sources are
    (path, dependencies at that point)."""
    blocks, block, sources = [], None, []
    if_stack, menu_stack = [], []
    pending_menu = None
    lines = re.sub(r"\\\n", " ", text).split("\n")
    i = 0
    while i < len(lines):
        raw = lines[i]
        i += 1
        line = re.sub(r"(\"[^\"]*\"|'[^']*')|#.*", lambda m: m.group(1) or "", raw).strip()
        if not line:
            continue
        kw = line.split()[0]
        rest = line[len(kw):].strip()
        if kw in ("help", "---help---"):
            indent = None
            while i < len(lines):
                l = lines[i]
                if l.strip() == "":
                    i += 1
                    continue
                ind = len(l.expandtabs()) - len(l.expandtabs().lstrip())
                if indent is None:
                    indent = ind
                if ind < indent:
                    break
                i += 1
            continue
        if kw in ("config", "menuconfig"):
            deps = list(inherited) + if_stack + [d for m in menu_stack for d in m]
            block = KBlock(rest.split()[0], where, deps)
            blocks.append(block)
            pending_menu = None
            continue
        if kw == "if":
            if_stack.append(rest)
            block = None
            continue
        if kw == "endif":
            if if_stack:
                if_stack.pop()
            block = None
            continue
        if kw == "menu":
            menu_stack.append([])
            pending_menu = menu_stack[-1]
            block = None
            continue
        if kw == "endmenu":
            if menu_stack:
                menu_stack.pop()
            block = None
            pending_menu = None
            continue
        if kw in ("source", "rsource", "osource", "orsource"):
            m = re.match(r'"([^"]*)"', rest)
            if m:
                path = m.group(1)
                if kw in ("rsource", "orsource"):
                    path = os.path.join(os.path.dirname(where), path)
                deps = list(inherited) + if_stack + [d for m_ in menu_stack for d in m_]
                sources.append((path, deps, kw.startswith("o")))
            block = None
            pending_menu = None
            continue
        if kw in ("choice", "endchoice", "comment", "mainmenu"):
            block = None
            pending_menu = None
            continue
        if kw == "depends" and rest.startswith("on"):
            expr = rest[2:].strip()
            if block is not None:
                block.deps.append(expr)
            elif pending_menu is not None:
                pending_menu.append(expr)
            continue
        if block is None:
            continue
        m = re.match(r"(.*?)\s+if\s+(.*)$", rest)
        val, cond = (m.group(1), m.group(2)) if m else (rest, None)
        if kw in ("bool", "tristate", "string", "hex", "int"):
            if val.startswith('"'):
                block.prompt = True
        elif kw == "prompt":
            block.prompt = True
        elif kw in ("def_bool", "def_tristate"):
            block.defaults.append((val, cond))
        elif kw == "default":
            block.defaults.append((val, cond))
        elif kw == "select":
            block.selects.append((val.split()[0], cond))
    return blocks, sources


def _kexpr(expr, value):
    """Three-valued Kconfig expression: True, False or None (unknown)."""
    toks = re.findall(r"&&|\|\||!=|<=|>=|[=<>!()]|\"[^\"]*\"|'[^']*'|[A-Za-z0-9_.$-]+", expr)
    pos = [0]

    def peek():
        return toks[pos[0]] if pos[0] < len(toks) else None

    def term(t):
        if t == "y":
            return True
        if t == "n":
            return False
        if t == "m" or t.startswith(("\"", "'")) or not re.match(r"\w+\Z", t) or t.isdigit():
            return None
        return value(t)

    def primary():
        t = peek()
        pos[0] += 1
        if t == "(":
            v = orx()
            pos[0] += 1
            return v
        if t == "!":
            return tri_not(primary())
        if peek() in ("=", "!="):
            op = peek()
            pos[0] += 1
            u = peek()
            pos[0] += 1
            if u in ("y", "n") and re.match(r"\w+\Z", t or ""):
                v = term(t)
                v = v if u == "y" else tri_not(v)
                return v if op == "=" else tri_not(v)
            return None
        if peek() in ("<", ">", "<=", ">="):
            pos[0] += 2
            return None
        return term(t) if t is not None else None

    def andx():
        v = primary()
        while peek() == "&&":
            pos[0] += 1
            v = tri_and(v, primary())
        return v

    def orx():
        v = andx()
        while peek() == "||":
            pos[0] += 1
            v = tri_or(v, andx())
        return v

    try:
        return orx()
    except (IndexError, TypeError):
        return None


def kconfig_values(tree, cfg):
    """Three-valued CONFIG_* values for the target, derived from the Kconfig files.

    Starting from the arch's top symbols (X86_64, X86, 64BIT / ARM64, 64BIT), to a fixpoint:
    a symbol is y if a y symbol selects it (condition y), or if it has no prompt and its
    first applicable default is y with its dependencies met; it is n if it is declared
    nowhere the target reads (other arches' symbols), or if it cannot be selected (every
    selector n), is not user-visible and no default applies, or its dependencies are n.
    Everything else (user options: PRINTK, POSIX_TIMERS, ...) stays unknown.
    Kconfig files read: the top-level Kconfig and what it `source`s, with
    $(SRCARCH) = the target's arch directory (so other arches' and arch/x86/um's are not).
    """
    blocks = {}
    selectors = {}
    todo = [("Kconfig", [], False)]
    seen = set()
    while todo:
        rel, deps, optional = todo.pop(0)
        rel = rel.replace("$(SRCARCH)", cfg["srcarch"])
        if "$(" in rel:
            fail("Kconfig: cannot expand `source \"%s\"`" % rel)
        paths = sorted(os.path.relpath(p, tree.root) for p in glob.glob(tree.path(rel)))
        if not paths and not optional:
            fail("Kconfig: sourced file %s not found" % rel)
        for path in paths:
            if path in seen:
                continue
            seen.add(path)
            bl, sources = parse_kconfig(tree.read(path), path, deps)
            for b in bl:
                blocks.setdefault(b.sym, []).append(b)
                for sym, cond in b.selects:
                    selectors.setdefault(sym, []).append((b, cond))
            # sources are read after this file, in order (declaration order does not
            # matter for the evaluation below)
            todo[0:0] = sources
    for sym in cfg["base_symbols"]:
        if sym not in blocks:
            fail("Kconfig: config %s not found" % sym)
    values = {s: True for s in cfg["base_symbols"]}

    def value(sym):
        if sym in values:
            return values[sym]
        if sym not in blocks:
            return False
        return None

    changed = True
    while changed:
        changed = False
        for sym in sorted(blocks):
            if sym in values:
                continue
            sel = False
            for b, cond in selectors.get(sym, []):
                v = tri_and(value(b.sym), True if cond is None else _kexpr(cond, value))
                sel = tri_or(sel, v)
            if sel is True:
                values[sym] = True
                changed = True
                continue
            decl = None  # value from the declarations themselves
            for b in blocks[sym]:
                deps = True
                for d in b.deps:
                    deps = tri_and(deps, _kexpr(d, value))
                if deps is False:
                    v = False
                elif b.prompt:
                    v = None
                else:
                    v = False
                    for val, cond in b.defaults:
                        c = True if cond is None else _kexpr(cond, value)
                        if c is False:
                            continue
                        dv = _kexpr(val, value)
                        v = dv if c is True else (None if dv is not False else False)
                        break
                    v = tri_and(deps, v)
                decl = v if decl is None and b is blocks[sym][0] else tri_or(decl, v)
            total = tri_or(sel, decl)
            if total is not None:
                values[sym] = total
                changed = True
    return values, set(blocks)


def arch_env(tree, arch, cfg):
    """The macro environment the kernel is compiled with, as far as syscall selection cares:
    CONFIG_* from kconfig_values (three-valued), BITS_PER_LONG, __KERNEL__, the target
    compiler's predefined macros, and the __ARCH_WANT_* defines of
    arch/<arch>/include/asm/unistd.h (evaluated with the above: the 64-bit case)."""
    values, declared = kconfig_values(tree, cfg)
    env = PPEnv()
    env.config_values, env.config_declared = values, declared
    # The target compiler's predefined macros (__GNUC__, __x86_64__/__aarch64__, __LP64__...).
    r = run_cc(cfg["cc"], ["-E", "-dM", "-x", "c", "/dev/null"], "", None)
    if r.returncode != 0:
        fail("%s -E -dM failed: %s" % (cfg["cc"], r.stderr))
    for line in r.stdout.split("\n"):
        m = re.match(r"#define ([A-Za-z_]\w*) ?(.*)", line)
        if m:
            env.objects[m.group(1)] = m.group(2)
    if env.objects.get("__SIZEOF_LONG__") != "8" or env.objects.get("__SIZEOF_POINTER__") != "8":
        fail("%s is not an LP64 compiler" % cfg["cc"])
    env.objects.update({"BITS_PER_LONG": "64", "__BITS_PER_LONG": "64", "__KERNEL__": "1"})
    for sym, v in sorted(values.items()):
        if v is True:
            env.objects["CONFIG_" + sym] = "1"
    unistd = "arch/%s/include/asm/unistd.h" % cfg["srcarch"]
    if tree.exists(unistd):
        scratch = env.copy()
        for _ in pp_scan(tree.read(unistd), scratch):
            pass
        for name, body in sorted(scratch.objects.items()):
            if name.startswith("__ARCH_WANT_"):
                env.objects[name] = body or "1"
    wants = sorted(n for n in env.objects if n.startswith("__ARCH_WANT_"))
    syms = sorted(s for s, v in values.items() if v is True)
    return env, syms, wants


# --------------------------------------------------------------------------------------
# Syscall table
# --------------------------------------------------------------------------------------

def _make_var(text, var):
    """Values appended to/assigned to a Makefile variable (`var += a b`, `var := a`)."""
    vals = []
    for m in re.finditer(r"^%s\s*(\+=|:=|=)\s*(.*)$" % re.escape(var), text, re.M):
        v = m.group(2).strip()
        if m.group(1) != "+=":
            vals = []
        vals.extend(x for x in re.split(r"[\s,]+", v) if x)
    return vals


def table_source(tree, arch, cfg):
    """(table path, set of ABIs) as the kernel build uses them for the 64-bit table."""
    if arch == "x86_64":
        mk = tree.read(cfg["syscall_makefile"])
        m = re.search(r"syscalls_64\.h:\s*abis\s*:=\s*(\S+)", mk)
        t = re.search(r"^syscall64\s*:=\s*\$\(src\)/(\S+)", mk, re.M)
        if not m or not t:
            fail("%s: no `syscall64 :=` / `syscalls_64.h: abis :=`" % cfg["syscall_makefile"])
        table = os.path.join(os.path.dirname(cfg["syscall_makefile"]), t.group(1))
        return table, set(m.group(1).split(","))
    generic = tree.read(cfg["asm_headers_makefile"])
    abis = _make_var(generic, "syscall_abis_64")
    table = (_make_var(generic, "syscalltbl") or [None])[0]
    table = table.replace("$(srctree)/", "") if table else None
    if tree.exists(cfg["syscalls_makefile"]):
        ours = tree.read(cfg["syscalls_makefile"])
        abis += _make_var(ours, "syscall_abis_64")
        t = _make_var(ours, "syscalltbl")
        if t:
            table = t[0].replace("$(srctree)/", "")
    if not abis or not table:
        fail("cannot determine the %s syscall table/ABIs" % arch)
    return table.replace("%", "64"), set(abis)


def read_table(tree, path, abis):
    rows = []
    for line in tree.read(path).split("\n"):
        line = line.split("#")[0].strip()
        if not line:
            continue
        f = line.split()
        if len(f) < 3:
            fail("%s: bad line %r" % (path, line))
        nr, abi, name = int(f[0]), f[1], f[2]
        entry = f[3] if len(f) > 3 else None
        if abi in abis:
            rows.append((nr, name, entry))
    names = [r[1] for r in rows]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        fail("%s: duplicate names %s" % (path, dup))
    return rows


# --------------------------------------------------------------------------------------
# SYSCALL_DEFINE definitions and syscalls.h prototypes
# --------------------------------------------------------------------------------------

class Definition:
    def __init__(self, name, args, path, line, active):
        self.name, self.args, self.path, self.line, self.active = name, args, path, line, active

    def signature(self):
        return tuple(self.args)

    def where(self):
        return "%s:%d" % (self.path, self.line)


_DEFINE_RE = re.compile(r"\bSYSCALL_DEFINE([0-6])\s*\(")


def norm_type(t):
    """C type text, whitespace normalised, `__user` removed: `const char *const *`."""
    toks = re.findall(r"[A-Za-z_]\w*|\*|\[[^\]]*\]|\S", t)
    toks = [x for x in toks if x != "__user"]
    out = ""
    for i, tok in enumerate(toks):
        if i and toks[i - 1] != "*":
            out += " "
        out += tok
    return out


def scan_definitions(tree, arch, cfg, env):
    """{syscall define name: [Definition]} for this target, plus wrapper renames
    (`#define __arm64_sys_personality __arm64_sys_arm64_personality`) and the set of
    `sys_*` symbols defined in the arch's assembly."""
    own = "arch/%s/" % cfg["srcarch"]
    defs, renames, asm_syms = {}, {}, set()
    wp = re.escape(cfg["wrapper_prefix"])
    for rel, text in tree.syscall_sources():
        if rel.startswith("arch/") and not rel.startswith(own):
            continue
        if any(rel.startswith(d) for d in cfg["excluded_dirs"]):
            continue
        if rel.endswith(".S"):
            for m in re.finditer(r"\b(?:SYM_FUNC_START|SYM_CODE_START|ENTRY)\s*\(\s*(?:%s|sys_)(\w+)\s*\)" % wp, text):
                asm_syms.add(m.group(1))
            continue
        if "SYSCALL_DEFINE" not in text and cfg["wrapper_prefix"] not in text:
            continue
        fenv = env.copy()
        code, actives, local_defs, numbers = code_text(text, fenv)
        if rel.startswith(own):
            for name, body, active in local_defs:
                m = re.match(wp + r"(\w+)\Z", name)
                b = re.match(wp + r"(\w+)\Z", body)
                if m and b and active is not False:
                    renames[m.group(1)] = b.group(1)
        offs = line_offsets(code)
        for m in _DEFINE_RE.finditer(code):
            n = int(m.group(1))
            close = match_paren(code, m.end() - 1)
            if close < 0:
                fail("%s: unbalanced SYSCALL_DEFINE" % rel)
            items = split_top(code[m.end():close])
            if len(items) != 1 + 2 * n:
                fail("%s:%d: SYSCALL_DEFINE%d with %d items" % (
                    rel, numbers[line_of(offs, m.start())], n, len(items)))
            name = items[0]
            args = [(norm_type(items[1 + 2 * i]), items[2 + 2 * i].strip()) for i in range(n)]
            li = line_of(offs, m.start())
            defs.setdefault(name, []).append(
                Definition(name, args, rel, numbers[li], actives[li]))
    return defs, renames, asm_syms


def choose_definition(arch, cfg, sysname, defname, defs):
    """(The definition the target compiles, the candidates with its signature that only
    the Makefiles separate), or (None, reason)."""
    own = "arch/%s/" % cfg["srcarch"]
    cands = [d for d in defs.get(defname, []) if d.active is not False]
    if not cands:
        return None, "no active SYSCALL_DEFINE(%s)" % defname
    arch_c = [d for d in cands if d.path.startswith(own)]
    if arch_c:
        cands = arch_c
    certain = [d for d in cands if d.active is True]
    if certain:
        cands = certain
    sigs = {d.signature() for d in cands}
    if len(sigs) > 1:
        fail("%s: %s: cannot decide between definitions:\n  %s" % (
            arch, sysname, "\n  ".join("%s %s (active: %s)" % (d.where(), d.args, d.active)
                                       for d in cands)))
    return cands[0], cands


def scan_prototypes(tree, cfg, env):
    """{sys_ name: [(param text list, active)]} from include/linux/syscalls.h and the
    arch's asm/syscalls.h."""
    protos = {}
    # syscalls.h wraps the whole prototype list in `#ifndef CONFIG_ARCH_HAS_SYSCALL_WRAPPER`
    # (x86_64 and arm64 declare their wrappers differently, same signatures). The list is
    # what names the parameters, so read it as if that symbol were unset; the conditions
    # inside (CLONE_BACKWARDS...) are still evaluated for the target.
    penv = env.copy()
    penv.objects.pop("CONFIG_ARCH_HAS_SYSCALL_WRAPPER", None)
    penv.config_values = dict(env.config_values, ARCH_HAS_SYSCALL_WRAPPER=False)
    for rel in ("include/linux/syscalls.h", "arch/%s/include/asm/syscalls.h" % cfg["srcarch"]):
        if not tree.exists(rel):
            continue
        code, actives, _, _ = code_text(tree.read(rel), penv.copy())
        offs = line_offsets(code)
        for m in re.finditer(r"(?<![\w*])(?:asmlinkage\s+)?long\s+sys_(\w+)\s*\(", code):
            close = match_paren(code, m.end() - 1)
            params = split_top(code[m.end():close])
            if params == ["void"] or params == [""]:
                params = []
            protos.setdefault(m.group(1), []).append(
                (params, actives[line_of(offs, m.start())], rel))
    return protos


def param_name(p):
    """Name of a declared parameter, or None if the declaration leaves it unnamed."""
    p = re.sub(r"\b(_Nullable|_Nonnull|restrict|__restrict)\b", " ", p).strip()
    if p == "...":
        return "..."
    fp = re.search(r"\(\s*\*\s*([A-Za-z_]\w*)\s*\)\s*\(", p)
    if fp:
        return fp.group(1)
    p = re.sub(r"\[.*$", "", p).strip()  # `buf[.count]` -> `buf`
    toks = re.findall(r"[A-Za-z_]\w*|\*|\S", p)
    if not toks or toks[-1] == "*" or not re.match(r"[A-Za-z_]", toks[-1]):
        return None
    words = [t for t in toks if t != "*" and t not in TYPE_NOISE]
    last = toks[-1]
    if last in BASE_KEYWORDS or last in TYPE_NOISE or len(words) < 2:
        return None
    if words[-2] in ("struct", "union", "enum") and "*" not in toks:
        return None
    return last


# --------------------------------------------------------------------------------------
# Man pages
# --------------------------------------------------------------------------------------

_man_cache = {}


def _read_man(name, depth=0):
    path = os.path.join(MAN_DIR, name + ".2.gz")
    if not os.path.exists(path) or depth > 3:
        return None
    with gzip.open(path, "rt", encoding="utf-8", errors="replace") as f:
        text = f.read()
    m = re.match(r"\.so\s+(?:man2/)?(\S+)\.2\s*$", text.strip())
    if m:
        return _read_man(m.group(1), depth + 1)
    return text


def _roff_args(s):
    """Arguments of a roff macro line: quoted strings or words."""
    out, i = [], 0
    while i < len(s):
        if s[i].isspace():
            i += 1
            continue
        if s[i] == '"':
            j = i + 1
            buf = []
            while j < len(s):
                if s[j] == '"':
                    if j + 1 < len(s) and s[j + 1] == '"':
                        buf.append('"')
                        j += 2
                        continue
                    break
                buf.append(s[j])
                j += 1
            out.append("".join(buf))
            i = j + 1
        else:
            j = i
            while j < len(s) and not s[j].isspace():
                j += 1
            out.append(s[i:j])
            i = j
    return out


def _roff_unescape(s):
    s = re.sub(r"\\f(\[[^\]]*\]|\(..|.)", "", s)
    s = re.sub(r"\\\((..)", lambda m: {"em": "-", "en": "-", "aq": "'", "dq": '"'}.get(m.group(1), ""), s)
    s = s.replace("\\-", "-").replace("\\ ", " ").replace("\\~", " ").replace("\\|", "")
    s = s.replace("\\&", "").replace("\\^", "").replace("\\e", "\\")
    return s


def man_synopsis_text(text):
    m = re.search(r"^\.SH\s+\"?SYNOPSIS\"?\s*$(.*?)^\.SH\s", text, re.M | re.S)
    if not m:
        return ""
    body = m.group(1).replace("\\\n", " ")
    out = []
    for line in body.split("\n"):
        if line.startswith(".\\\"") or line.startswith("'\\\""):
            continue
        mm = re.match(r"\.(B|I|BI|IB|BR|RB|IR|RI|R)\s+(.*)", line)
        if mm:
            out.append("".join(_roff_args(mm.group(2))))
        elif line.startswith("."):
            out.append("\n")
        else:
            out.append(line)
    return _roff_unescape("\n".join(out))


def man_params(sysname):
    """Parameter names of `sysname` in its man page synopsis: from `T sysname(...)` or
    `T syscall(SYS_sysname, ...)`. Returns (names, page) or (None, why)."""
    if sysname in _man_cache:
        return _man_cache[sysname]
    text = _read_man(sysname)
    res = (None, "no man page")
    if text is not None:
        syn = man_synopsis_text(text)
        syn = re.sub(r"/\*.*?\*/", " ", syn, flags=re.S)
        syn = re.sub(r"^\s*#.*$", " ", syn, flags=re.M)
        found = []
        for mm in re.finditer(r"[\w*]\s*\**\b(\w+)\s*\(", syn):
            fname = mm.group(1)
            open_ = mm.end() - 1
            close = match_paren(syn, open_)
            if close < 0 or not re.match(r"\s*;", syn[close + 1:]):
                continue
            params = split_top(" ".join(syn[open_ + 1:close].split()))
            if fname == "syscall" and params and params[0] == "SYS_" + sysname:
                found.append(params[1:])
            elif fname == sysname:
                found.append(params)
        variants = {tuple(param_name(p) for p in f if p not in ("", "void")) for f in found}
        if len(variants) == 1:
            # one prototype, or several that name the parameters alike (arch_prctl)
            res = (list(variants.pop()), "%s(2)" % sysname)
        elif len(found) > 1:
            res = (None, "several prototypes of %s in the man page" % sysname)
        else:
            res = (None, "no %s prototype in the man page" % sysname)
    _man_cache[sysname] = res
    return res


def check_man_pages():
    if not os.path.exists(os.path.join(MAN_DIR, "write.2.gz")):
        fail("%s/write.2.gz not found: install manpages-dev (on images that drop /usr/share/man, "
             "re-include it in dpkg's path filters first; see tools/ci-gen-tables.sh)" % MAN_DIR)


def man_version():
    """`Linux man-pages X.Y` from write(2)'s .TH line."""
    text = _read_man("write") or ""
    m = re.search(r"^\.TH\s.*\"Linux man-pages ([\d.]+)\"", text, re.M)
    return "man-pages %s" % m.group(1) if m else "man-pages (unknown version)"


def name_problem(names, n):
    """Why a list of parameter names is unusable, or None."""
    if len(names) != n:
        return "%d names for %d parameters" % (len(names), n)
    for x in names:
        if not x:
            return "unnamed parameter"
        if x == "...":
            return "variadic"
        if not re.match(r"[A-Za-z_]\w*\Z", x):
            return "bad name %r" % x
        if x in C_KEYWORDS:
            return "C keyword %r" % x
        if re.match(r"arg[0-5]\Z", x):
            return "positional name %r" % x
    dups = sorted({x for x in names if names.count(x) > 1})
    if dups:
        return "duplicate name(s) %s" % ", ".join(dups)
    return None


def last_resort_names(names):
    """When no source gives usable names: `arg2` (which would shadow the positional `arg2`,
    a different parameter) becomes `kernel_arg2`; keywords and empty names likewise get
    the prefix; duplicates get their index appended."""
    out = []
    for i, x in enumerate(names):
        if not x or name_problem([x], 1):
            x = "kernel_" + (x if x and re.match(r"\w+\Z", x) else "param%d" % i)
        while x in out:
            x = "%s_%d" % (x, i)
        out.append(x)
    return out


# --------------------------------------------------------------------------------------
# Types
# --------------------------------------------------------------------------------------

class TypeInfo:
    def __init__(self, bits, signed, pointer, is_bool=False, chain=()):
        self.bits, self.signed, self.pointer, self.is_bool, self.chain = \
            bits, signed, pointer, is_bool, chain

    def key(self):
        return (self.bits, self.signed, self.pointer, self.is_bool)


class TypeResolver:
    """Resolves a C type to (width, signedness, pointer) through the kernel's typedefs.

    Typedefs come from scanning `typedef ... NAME;` statements, in priority order:
      1. the arch's posix_types chain (arch/<arch>/include/asm/posix_types.h, following its
         #includes with the target's #if conditions: posix_types_64.h, asm-generic/...);
      2. every other header under arch/<arch>/include, include/uapi, include/asm-generic,
         include/linux (conditions evaluated; definitions in inactive regions ignored).
    The first definition wins; a later active definition that resolves differently is an
    error if the type is used.
    """

    INCLUDE_DIRS = ["arch/{a}/include", "arch/{a}/include/uapi", "include", "include/uapi"]

    def __init__(self, tree, cfg, env):
        self.tree, self.cfg = tree, cfg
        self.defs = {}  # name -> [(tokens or marker, where, priority)]
        self.enums = {}  # tag -> signed
        self.env = env
        a = cfg["srcarch"]
        self.incdirs = [d.format(a=a) for d in self.INCLUDE_DIRS]
        chain = []
        start = "arch/%s/include/asm/posix_types.h" % a
        if not tree.exists(start):
            start = "arch/%s/include/uapi/asm/posix_types.h" % a
        self._follow(start, env.copy(), chain, set())
        self.chain = chain
        seen = set(chain)
        roots = ["arch/%s/include" % a, "include/uapi", "include/asm-generic", "include/linux"]
        for root in roots:
            for rel in tree.files(root, (".h",)):
                if rel in seen:
                    continue
                seen.add(rel)
                if os.path.basename(rel).startswith("posix_types") and rel.startswith("arch/"):
                    continue  # other ABIs' variants; ours came through the chain
                self._scan_file(rel, env.copy(), 1)

    def _resolve_include(self, name, quote_dir=None):
        cands = [os.path.join(d, name) for d in self.incdirs]
        for c in cands:
            if self.tree.exists(c):
                return c
        if name.startswith("asm/"):
            g = "include/uapi/asm-generic/" + name[4:]
            if self.tree.exists(g):
                return g  # generated `#include <asm-generic/x.h>` wrapper
            g = "include/asm-generic/" + name[4:]
            if self.tree.exists(g):
                return g
        return None

    def _follow(self, rel, env, chain, visiting):
        """Reads a header like the compiler would: typedefs recorded in order, #includes
        of *types* headers followed where they are, #defines shared (so asm-generic's
        `#ifndef __kernel_old_uid_t` sees the arch's `#define __kernel_old_uid_t`)."""
        if rel in visiting:
            return
        visiting.add(rel)
        chain.append(rel)
        pending = []

        def flush():
            if pending:
                self._scan_code("\n".join(p[0] for p in pending), [p[1] for p in pending],
                                rel, 0)
                pending.clear()

        for _, kind, payload, active in pp_scan(self.tree.read(rel), env):
            if kind == "code":
                pending.append((payload, active))
            elif kind == "include" and active is True:
                inc = self._resolve_include(payload)
                if inc and ("posix_types" in inc or "types" in os.path.basename(inc)):
                    flush()
                    self._follow(inc, env, chain, visiting)
        flush()

    def _scan_file(self, rel, env, prio):
        text = self.tree.read(rel)
        if "typedef" not in text and "enum" not in text:
            return
        code, actives, _, _ = code_text(text, env)
        self._scan_code(code, actives, rel, prio)

    def _scan_code(self, code, actives, rel, prio):
        offs = line_offsets(code)
        for m in re.finditer(r"\benum\s+(\w+)\s*\{", code):
            close = code.find("}", m.end())
            body = code[m.end():close]
            if actives[line_of(offs, m.start())] is False:
                continue
            signed = bool(re.search(r"=\s*\(?\s*-", body))
            self.enums.setdefault(m.group(1), signed)
        for m in re.finditer(r"\btypedef\b", code):
            active = actives[line_of(offs, m.start())]
            if active is False:
                continue
            # statement up to ';' at depth 0, with struct/union/enum bodies removed
            i, depth, buf = m.end(), 0, []
            while i < len(code):
                ch = code[i]
                if ch in "({[":
                    depth += 1
                elif ch in ")}]":
                    depth -= 1
                elif ch == ";" and depth == 0:
                    break
                buf.append(ch)
                i += 1
            stmt = "".join(buf)
            stmt = self._strip_bodies(stmt)
            stmt = re.sub(r"__attribute__\s*\(\(.*?\)\)|__aligned\s*\([^)]*\)|\b__packed\b", " ", stmt)
            self._record(stmt, "%s" % rel, prio if active else prio + 2)

    @staticmethod
    def _strip_bodies(s):
        out, depth = [], 0
        for ch in s:
            if ch == "{":
                depth += 1
                continue
            if ch == "}":
                depth -= 1
                continue
            if depth == 0:
                out.append(ch)
        return "".join(out)

    def _record(self, stmt, where, prio):
        decls = split_top(stmt)
        first = decls[0]
        if "(" in first:
            # `typedef R (*name)(...)`, `typedef R (name)(...)` or `typedef R name(...)`
            p = first.index("(")
            close = match_paren(first, p)
            inner = first[p + 1:close] if close > 0 else ""
            m = re.fullmatch(r"\s*((?:\*\s*(?:const\s+|__\w+\s+)*)*)([A-Za-z_]\w*)\s*", inner)
            if m and first[close + 1:].lstrip().startswith("("):
                kind = "ptr" if "*" in m.group(1) else "function"
                self.defs.setdefault(m.group(2), []).append((kind, where, prio))
                return
            m = re.search(r"([A-Za-z_]\w*)\s*$", first[:p])
            if m:
                self.defs.setdefault(m.group(1), []).append(("function", where, prio))
            return
        toks = re.findall(r"[A-Za-z_]\w*|\*|\[[^\]]*\]", first)
        arr = False
        while toks and toks[-1].startswith("["):
            toks.pop()
            arr = True
        if len(toks) < 2 or not re.match(r"[A-Za-z_]", toks[-1]):
            return
        name, base = toks[-1], toks[:-1]
        base = [t for t in base if t != "__extension__"]
        self.defs.setdefault(name, []).append(("array" if arr else base, where, prio))
        # further declarators share the base type (without the first one's stars)
        core = [t for t in base if t != "*"]
        for d in decls[1:]:
            dt = re.findall(r"[A-Za-z_]\w*|\*|\[[^\]]*\]", d)
            if dt and re.match(r"[A-Za-z_]", dt[-1]):
                self.defs.setdefault(dt[-1], []).append((core + dt[:-1], where, prio))

    def _typedef(self, name):
        ds = self.defs.get(name)
        if not ds:
            return None, None
        best = min(ds, key=lambda d: d[2])  # stable: first of the best priority
        return best, [d for d in ds if d is not best and d[2] < 2]

    def resolve(self, ty, depth=0, chain=()):
        toks = re.findall(r"[A-Za-z_]\w*|\*|\[[^\]]*\]|\S", ty)
        if "*" in toks:
            return TypeInfo(64, False, True, chain=chain)
        if any(t.startswith("[") for t in toks):
            fail("array type %r" % ty)
        words = [t for t in toks if t not in TYPE_NOISE]
        words = ["signed" if w in ("__signed__", "__signed") else w for w in words]
        if not words:
            fail("empty type %r" % ty)
        if words[0] in ("struct", "union"):
            fail("aggregate passed by value: %r" % ty)
        if words[0] == "enum":
            if len(words) != 2:
                fail("bad enum type %r" % ty)
            if words[1] not in self.enums:
                fail("enum %s: definition not found" % words[1])
            # GCC gives an enum the type `unsigned int` unless an enumerator is negative.
            return TypeInfo(32, self.enums[words[1]], False, chain=chain + ("enum",))
        if all(w in BASE_KEYWORDS for w in words):
            ws = set(words)
            if "void" in ws:
                fail("void parameter %r" % ty)
            if "_Bool" in ws:
                return TypeInfo(64, False, False, is_bool=True, chain=chain + ("_Bool",))
            signed = "unsigned" not in ws
            if "char" in ws:
                if "signed" not in ws and "unsigned" not in ws:
                    fail("plain char passed by value (signedness is arch-specific): %r" % ty)
                bits = 8
            elif "short" in ws:
                bits = 16
            elif words.count("long") >= 1:
                bits = 64  # LP64
            else:
                bits = 32
            return TypeInfo(bits, signed, False, chain=chain + (" ".join(words),))
        if len(words) == 1:
            name = words[0]
            if depth > 20:
                fail("typedef loop at %s" % name)
            best, others = self._typedef(name)
            if best is None:
                fail("cannot resolve type %r: no typedef %s found" % (ty, name))
            body, where, prio = best
            if body in ("ptr", "function"):
                info = TypeInfo(64, False, True, chain=chain + (name,))
            elif body == "array":
                fail("typedef %s is an array type (%s)" % (name, where))
            else:
                info = self.resolve(" ".join(body), depth + 1, chain + (name,))
            for obody, owhere, _ in others:
                try:
                    if obody in ("ptr", "function"):
                        oinfo = TypeInfo(64, False, True)
                    elif obody == "array":
                        continue
                    else:
                        oinfo = self.resolve(" ".join(obody), depth + 1, ())
                except GenError:
                    continue
                if oinfo.key() != info.key():
                    fail("typedef %s: %s (%s) and %s (%s) disagree" % (
                        name, where, " ".join(body) if isinstance(body, list) else body,
                        owhere, " ".join(obody) if isinstance(obody, list) else obody))
            return info
        fail("cannot resolve type %r" % ty)


# --------------------------------------------------------------------------------------
# Effective widths and flag sets (tools/arguments.toml)
#
# The C type of a parameter says how many bits the syscall entry keeps; some code then
# narrows the value further (`lower_32_bits(clone_flags)`, an `unsigned long fd` passed to
# `fget(unsigned int fd)`). A filter must compare exactly the bits the kernel reads: more
# lets high-bit variants of a denied value past a deny rule; fewer lets values that differ
# only in the high bits through an allow rule. arguments.toml gives every non-pointer
# 64-bit parameter a verdict; the narrowed ones are proven here by following every use of
# the value through the source, so that a kernel that stops narrowing fails the generator.
# --------------------------------------------------------------------------------------

ARGUMENTS_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "arguments.toml")
_ARG_NAME = re.compile(r"[a-z0-9_]+\.[a-z0-9_]+\Z")


def _norm_ws(s):
    return " ".join(s.split())


def load_arguments(path=ARGUMENTS_FILE):
    """Reads arguments.toml and checks its shape (its claims are checked against the
    kernel source while the tables are built)."""
    where = os.path.relpath(path, os.path.join(os.path.dirname(path), ".."))
    try:
        with open(path, "rb") as f:
            data = tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError) as e:
        fail("%s: %s" % (where, e))

    def names(items, section):
        for key in items:
            if not _ARG_NAME.match(key):
                fail("%s: %s: %r is not `syscall.parameter`" % (where, section, key))
        return list(items)

    narrowed = data.get("narrowed", {})
    names(narrowed, "[narrowed]")
    for key, bits in narrowed.items():
        if bits not in (8, 16, 32):
            fail("%s: [narrowed] %s = %r: the width is 8, 16 or 32" % (where, key, bits))
    functions = {}
    for fn, spec in data.get("functions", {}).items():
        spec = {"file": spec} if isinstance(spec, str) else spec
        if not isinstance(spec, dict) or not set(spec) <= {"file", "config"} or "file" not in spec:
            fail("%s: [functions] %s: a file, or { file, config }" % (where, fn))
        functions[fn] = spec
    macros = data.get("macros", {})
    for name, spec in macros.items():
        if set(spec) != {"file", "body", "type"}:
            fail("%s: [macros] %s: { file, body, type }" % (where, name))
    full, full_why = {}, {}
    for reason, spec in data.get("full_width", {}).items():
        if set(spec) != {"why", "args"}:
            fail("%s: [full_width.%s]: why and args" % (where, reason))
        full_why[reason] = spec["why"]
        for key in names(spec["args"].split(), "[full_width.%s]" % reason):
            if key in full or key in narrowed:
                fail("%s: %s has two verdicts" % (where, key))
            full[key] = reason
    flag_sets = data.get("flag_set", [])
    for i, spec in enumerate(flag_sets, 1):
        if set(spec) != {"args", "file", "line", "why"}:
            fail("%s: [[flag_set]] #%d: args, file, line and why" % (where, i))
        names(spec["args"], "[[flag_set]] #%d" % i)
    return {"path": where, "narrowed": narrowed, "functions": functions, "macros": macros,
            "full": full, "full_why": full_why, "flag_sets": flag_sets}


class CView:
    """A C file as the target compiles it, for following a value through it: comments
    stripped, preprocessor lines and `#if`-false code blanked, string and character
    literals emptied, original line numbers kept."""

    def __init__(self, tree, rel, env):
        self.rel = rel
        raw = tree.read(rel)
        self.raw_lines = raw.split("\n")
        lines = [""] * len(self.raw_lines)
        for lineno, kind, payload, active in pp_scan(raw, env.copy()):
            if kind == "code" and active is not False:
                lines[lineno - 1] = payload
        # Literals can hold parentheses and braces: keep their quotes, blank their content.
        self.text = re.sub(r"\"(?:\\.|[^\"\\\n])*\"|'(?:\\.|[^'\\\n])*'",
                           lambda m: m.group(0)[0] + " " * (len(m.group(0)) - 2) + m.group(0)[0],
                           "\n".join(lines))
        self.offs = line_offsets(self.text)
        # Where declarations live: outside every (), [] and {}.
        self.top = bytearray(len(self.text))
        depth = 0
        for i, ch in enumerate(self.text):
            if ch in "([{":
                depth += 1
            elif ch in ")]}":
                depth = max(depth - 1, 0)
            self.top[i] = depth == 0 and ch not in ")]}"

    def lineno(self, pos):
        return line_of(self.offs, pos) + 1

    def cite(self, pos):
        """`file:line: text` of the line holding `pos`, as the source spells it."""
        n = self.lineno(pos)
        return "%s:%d: %s" % (self.rel, n, _norm_ws(self.raw_lines[n - 1]))

    def block_end(self, open_brace):
        depth = 0
        for j in range(open_brace, len(self.text)):
            if self.text[j] == "{":
                depth += 1
            elif self.text[j] == "}":
                depth -= 1
                if depth == 0:
                    return j
        fail("%s:%d: unbalanced braces" % (self.rel, self.lineno(open_brace)))

    def function_body(self, name_pos):
        """(start, end) of the body of the function whose name (or SYSCALL_DEFINE) starts
        at `name_pos`, or None for a prototype."""
        open_ = self.text.index("(", name_pos)
        close = match_paren(self.text, open_)
        rest = self.text[close + 1:]
        stripped = rest.lstrip()
        if not stripped.startswith("{"):
            return None
        ob = close + 1 + len(rest) - len(stripped)
        return ob, self.block_end(ob)

    def declarations(self, name):
        """Top-level declarations and definitions of function `name`:
        [(position, [(parameter text, position)], body or None)]."""
        out = []
        for m in re.finditer(r"\b%s\s*\(" % re.escape(name), self.text):
            if not self.top[m.start()] or self.text[:m.start()].rstrip().endswith("="):
                continue
            close = match_paren(self.text, m.end() - 1)
            if close < 0 or not self.text[close + 1:].lstrip().startswith((";", "{")):
                continue
            params, pos = [], m.end()
            for p in split_top(self.text[m.end():close]):
                at = self.text.index(p, pos) if p else pos
                params.append((p, at))
                pos = at + len(p)
            if [p for p, _ in params] in (["void"], [""]):
                params = []
            out.append((m.start(), params, self.function_body(m.start())))
        return out

    def uses(self, body, name):
        """Positions of identifier `name` in `body`, not as a member (`.name`, `->name`) or
        a tag (`struct name`)."""
        start, end = body
        return [start + m.start() for m in
                re.finditer(r"(?<![\w.])(?<!->)%s\b" % re.escape(name), self.text[start:end])
                if not re.search(r"\b(?:struct|union|enum)\s+$", self.text[start:start + m.start()])]


def _param_type(decl):
    """The type part of a parameter declaration (`unsigned int fd` -> `unsigned int`)."""
    name = param_name(decl)
    if name is None:
        return decl.strip()
    return re.sub(r"\b%s\s*$" % re.escape(name), "", decl.strip()).strip()


class Narrowing:
    """Proves, for one target, that the kernel narrows a syscall parameter before using it.

    Every use of the parameter in each candidate SYSCALL_DEFINE body must narrow it (a
    macro of arguments.toml [macros], a cast, `T v = x;` with a narrower T, or an argument
    of a call whose parameter is narrower) or pass it whole, as one argument, to a function
    of [functions], whose body is followed the same way. Anything else fails. The result is
    the widest narrowing and the source lines of the chains that show it, each chain ending
    on the line that narrows (lines already cited are not repeated, except a chain's last)."""

    def __init__(self, tree, arch, env, types, spec):
        self.tree, self.arch, self.env, self.types, self.spec = tree, arch, env, types, spec
        self.views = {}
        self.used = set()  # [functions] and [macros] entries reached

    def view(self, rel):
        if rel not in self.views:
            if not self.tree.exists(rel):
                fail("%s: %s is not in the kernel source" % (self.spec["path"], rel))
            self.views[rel] = CView(self.tree, rel, self.env)
        return self.views[rel]

    def bits(self, ty, where):
        try:
            info = self.types.resolve(ty)
        except GenError as e:
            fail("%s: %s" % (where, e))
        return 64 if info.pointer or info.is_bool else info.bits

    def prove(self, defs, param, key):
        chains, bits = [], 0
        for d in defs:
            v = self.view(d.path)
            m = _DEFINE_RE.search(v.text, v.offs[d.line - 1])
            if not m or v.lineno(m.start()) != d.line:
                fail("%s: %s: no SYSCALL_DEFINE at %s" % (self.arch, key, d.where()))
            body = v.function_body(m.start())
            bits = max(bits, self._follow(v, body, param, key, [], frozenset(), chains))
        if bits == 0:
            fail("%s: %s is never read: [narrowed] cannot say that" % (self.arch, key))
        sites = []
        for chain in chains:
            sites.extend(c for c in chain[:-1] if c not in sites)
            if sites[-1:] != chain[-1:]:
                sites.append(chain[-1])
        return bits, sites

    def _follow(self, v, body, param, key, chain, seen, chains):
        return max([self._use(v, body, pos, param, key, chain, seen, chains)
                    for pos in v.uses(body, param)], default=0)

    def _use(self, v, body, pos, param, key, chain, seen, chains):
        t, here = v.text, chain + [v.cite(pos)]
        where = "%s: %s: %s" % (self.arch, key, v.cite(pos))
        after = t[pos + len(param):].lstrip()
        before = t[body[0]:pos]
        # `(type) x`: a cast of the value itself.
        m = re.search(r"\(\s*([A-Za-z_][\w\s]*?)\s*\)\s*$", before)
        if m and not after.startswith(("[", "(", ".", "->", "++", "--")):
            try:
                info = self.types.resolve(m.group(1))
            except GenError:
                info = None  # `if (cond) x`: not a cast
            if info is not None:
                if info.pointer or info.bits >= 64:
                    fail("%s: a cast to %s keeps all 64 bits" % (where, m.group(1)))
                chains.append(here)
                return info.bits
        # `type var = x;`
        stmt = max(before.rfind(";"), before.rfind("{"), before.rfind("}")) + 1
        m = re.fullmatch(r"\s*((?:const\s+)?[A-Za-z_][\w\s]*?)\s+[A-Za-z_]\w*\s*=\s*",
                         before[stmt:])
        if m and after.startswith(";"):
            b = self.bits(m.group(1), where)
            if b >= 64:
                fail("%s: stored in a %s, which keeps all 64 bits" % (where, m.group(1)))
            chains.append(here)
            return b
        # One whole argument of a call (or of a narrowing macro).
        depth, open_ = 0, None
        for i in range(pos - 1, body[0], -1):
            ch = t[i]
            if ch in ")]":
                depth += 1
            elif ch in "([":
                if depth == 0:
                    open_ = i if ch == "(" else None
                    break
                depth -= 1
            elif ch in ";{}" and depth == 0:
                break
        fn = re.search(r"([A-Za-z_]\w*)\s*$", t[body[0]:open_]) if open_ else None
        if not fn or fn.group(1) in C_KEYWORDS:
            fail("%s: `%s` is used in an expression that may read all its bits; only a "
                 "narrowing, or passing it whole to a function, can be followed" % (where, param))
        callee = fn.group(1)
        args = split_top(t[open_ + 1:match_paren(t, open_)])
        idx = [i for i, a in enumerate(args) if a == param]
        if len(idx) != 1:
            fail("%s: `%s` is not one whole argument of %s()" % (where, param, callee))
        if callee in self.spec["macros"]:
            return self._macro(callee, here, chains, where)
        return self._call(callee, idx[0], key, here, seen, chains, where)

    def _macro(self, name, here, chains, where):
        spec = self.spec["macros"][name]
        if self.tree.exists(spec["file"]):
            for n, line in enumerate(self.tree.read(spec["file"]).split("\n"), 1):
                m = re.match(r"\s*#\s*define\s+%s\(\s*\w+\s*\)(.*)" % re.escape(name), line)
                if not m:
                    continue
                if _norm_ws(m.group(1)) != _norm_ws(spec["body"]):
                    fail("%s: %s is `%s` in %s, not `%s`" % (
                        where, name, m.group(1).strip(), spec["file"], spec["body"]))
                self.used.add(name)
                # The definition, then the use: the line that narrows reads `name(x)`.
                chains.append(here[:-1] + ["%s:%d: %s" % (spec["file"], n, _norm_ws(line))]
                             + here[-1:])
                return self.bits(spec["type"], where)
        fail("%s: no `#define %s(...)` in %s" % (where, name, spec["file"]))

    def _call(self, callee, index, key, here, seen, chains, where):
        spec = self.spec["functions"].get(callee)
        if spec is None:
            fail("%s: passed to %s(): add the file that declares it to %s [functions], or "
                 "the argument to [full_width] if the kernel reads all of it" % (
                     where, callee, self.spec["path"]))
        if spec.get("config") and self.env.defined("CONFIG_" + spec["config"]) is not True:
            fail("%s: %s is built only with CONFIG_%s, which is not y on %s" % (
                where, spec["file"], spec["config"], self.arch))
        self.used.add(callee)
        v = self.view(spec["file"])
        decls = v.declarations(callee)
        if not decls:
            fail("%s: no declaration of %s() in %s" % (where, callee, spec["file"]))
        bits, followed, wide = 0, False, None
        for dpos, params, body in decls:
            if index >= len(params):
                fail("%s: %s has %d parameters" % (where, v.cite(dpos), len(params)))
            decl, ppos = params[index]
            cited = here + [v.cite(ppos)]
            b = self.bits(_param_type(decl), "%s: %s" % (where, v.cite(ppos)))
            if b < 64:
                chains.append(cited)
                bits = max(bits, b)
            elif body is None:
                wide = wide or v.cite(ppos)
            elif (spec["file"], dpos) not in seen:
                name = param_name(decl)
                if name is None:
                    fail("%s: parameter %d of %s is unnamed" % (where, index, v.cite(dpos)))
                followed = True
                bits = max(bits, self._follow(v, body, name, key, cited,
                                              seen | {(spec["file"], dpos)}, chains))
        if wide and not followed:
            fail("%s: %s() takes all 64 bits (%s) and %s has no body of it to follow" % (
                where, callee, wide, spec["file"]))
        return bits


class ArgumentFacts:
    """Applies arguments.toml to the syscalls of every target: effective widths (proven),
    flag sets (citations checked), and a verdict for every 64-bit argument."""

    def __init__(self, spec):
        self.spec = spec
        self.provers = []
        self.unreviewed, self.seen, self.flags_seen = [], set(), set()
        self.cites = {}

    def prover(self, tree, arch, env, types):
        p = Narrowing(tree, arch, env, types, self.spec)
        self.provers.append(p)
        return p

    def apply(self, prover, name, defs, args, define_names):
        """Sets `bits`, `narrowed` and `flags` of one syscall's argument dicts."""
        path = self.spec["path"]
        for a, dname in zip(args, define_names):
            key = "%s.%s" % (name, dname)
            a["narrowed"], a["flags"] = [], None
            if a["bits"] == 64 and not a["pointer"] and not a["is_bool"]:
                self.seen.add(key)
                if key in self.spec["narrowed"]:
                    bits, sites = prover.prove(defs, dname, key)
                    if bits != self.spec["narrowed"][key]:
                        fail("%s: %s: the kernel reads %d bits of it, %s says %d:\n  %s" % (
                            prover.arch, key, bits, path, self.spec["narrowed"][key],
                            "\n  ".join(sites)))
                    a["bits"], a["narrowed"] = bits, sites
                elif key not in self.spec["full"]:
                    self.unreviewed.append("%s: %s (%s)" % (prover.arch, key, a["ty"]))
            elif key in self.spec["narrowed"] or key in self.spec["full"]:
                fail("%s: %s is %s on %s, not a 64-bit integer: remove it from %s" % (
                    path, key, a["ty"], prover.arch, path))
            for fs in self.spec["flag_sets"]:
                if key in fs["args"]:
                    if a["pointer"]:
                        fail("%s: [[flag_set]] %s is a pointer" % (path, key))
                    a["flags"] = (fs["why"], self.flag_cite(prover.tree, fs))
                    self.flags_seen.add(key)

    def flag_cite(self, tree, fs):
        """`file:line: text` of a [[flag_set]]'s line, which must be in its file."""
        k = (fs["file"], fs["line"])
        if k not in self.cites:
            want = _norm_ws(fs["line"])
            lines = tree.read(fs["file"]).split("\n") if tree.exists(fs["file"]) else []
            found = [n for n, line in enumerate(lines, 1) if want in _norm_ws(line)]
            if not found:
                fail("%s: [[flag_set]] %s: `%s` is not in %s: check the claim against the "
                     "kernel source and update it" % (
                         self.spec["path"], " ".join(fs["args"]), fs["line"], fs["file"]))
            self.cites[k] = "%s:%d: %s" % (fs["file"], found[0], _norm_ws(lines[found[0] - 1]))
        return self.cites[k]

    def finish(self):
        """After every target: each claim was used, each 64-bit argument has a verdict."""
        path, errs = self.spec["path"], []
        if self.unreviewed:
            errs.append("64-bit arguments with no verdict in %s: read what the kernel does "
                        "with each and add it to [narrowed] or [full_width]:\n    %s" % (
                            path, "\n    ".join(self.unreviewed)))
        stale = sorted(k for k in list(self.spec["narrowed"]) + list(self.spec["full"])
                       if k not in self.seen)
        if stale:
            errs.append("%s names arguments that are not 64-bit integers of any target: %s"
                        % (path, " ".join(stale)))
        unknown = sorted({k for fs in self.spec["flag_sets"] for k in fs["args"]}
                         - self.flags_seen)
        if unknown:
            errs.append("%s [[flag_set]] names no argument of any target: %s" % (
                path, " ".join(unknown)))
        used = set().union(*(p.used for p in self.provers))
        for name in sorted((set(self.spec["functions"]) | set(self.spec["macros"])) - used):
            errs.append("%s: %s is never reached: remove it" % (path, name))
        if errs:
            fail("\n".join(errs))


# --------------------------------------------------------------------------------------
# Syscall assembly
# --------------------------------------------------------------------------------------

def build_syscalls(tree, arch, cfg, tables):
    defs, renames, asm_syms = tables["defs"], tables["renames"], tables["asm"]
    protos, types = tables["protos"], tables["types"]
    table_path, abis = table_source(tree, arch, cfg)
    rows = read_table(tree, table_path, abis)
    out = []
    stats = {"man": 0, "proto": 0, "define": 0}
    for nr, name, entry in rows:
        notes = []
        if entry is None or entry == "sys_ni_syscall":
            out.append({"name": name, "nr": nr, "args": [], "implemented": False, "notes": []})
            continue
        if not entry.startswith("sys_"):
            fail("%s: %s: unexpected entry point %s" % (arch, name, entry))
        base = entry[4:]
        defname = renames.get(base, base)
        if defname != base:
            notes.append("entry point %s is #defined to %s%s in arch/%s" % (
                entry, cfg["wrapper_prefix"], defname, cfg["srcarch"]))
        d, cands = choose_definition(arch, cfg, name, defname, defs)
        if d is None:
            if defname in tables["cond"]:
                warn(arch, "%s (%d): no SYSCALL_DEFINE(%s) for this arch, only kernel/sys_ni.c's "
                     "COND_SYSCALL (always -ENOSYS): implemented: false" % (name, nr, defname))
                out.append({"name": name, "nr": nr, "args": [], "implemented": False,
                            "notes": ["no SYSCALL_DEFINE(%s) for this arch: the entry point is "
                                      "kernel/sys_ni.c's COND_SYSCALL stub" % defname]})
                continue
            if base in asm_syms:
                warn(arch, "%s (%d): entry point %s has no SYSCALL_DEFINE (assembly entry); "
                     "args left empty" % (name, nr, entry))
                out.append({"name": name, "nr": nr, "args": [], "implemented": True,
                            "notes": ["no SYSCALL_DEFINE: assembly entry point %s" % entry]})
                continue
            fail("%s: %s (%d): %s" % (arch, name, nr, cands))
        if len(cands) > 1:
            notes.append("same signature in %s (the build compiles one of them)" % ", ".join(
                c.where() for c in cands))
        n = len(d.args)
        define_names = [a for _, a in d.args]
        # --- names ---
        names, source = None, None
        rejected = []
        pcands = [p for p in protos.get(base, []) if p[1] is not False]
        pcert = [p for p in pcands if p[1] is True]
        if pcert:
            pcands = pcert
        proto_names = None
        if len({tuple(p[0]) for p in pcands}) > 1:
            rejected.append("syscalls.h has several sys_%s prototypes the conditions do not "
                            "decide between" % base)
        elif pcands:
            proto_names = [param_name(p) for p in pcands[0][0]]
            if all(x is not None for x in proto_names) and len(proto_names) == n:
                prob = name_problem(proto_names, n)
                if prob:
                    rejected.append("%s sys_%s prototype rejected (%s)" % (
                        pcands[0][2], base, prob))
                else:
                    names, source = proto_names, "proto"
            elif all(x is not None for x in proto_names) and len(proto_names) != n:
                rejected.append("%s sys_%s prototype has %d parameters, SYSCALL_DEFINE %d" % (
                    pcands[0][2], base, len(proto_names), n))
        if names is None:
            mnames, page = man_params(name)
            if mnames is not None and "..." in mnames:
                mnames = None  # variadic (clone): does not match the parameter count
            if mnames is not None and len(mnames) == n:
                prob = name_problem(mnames, n)
                if prob:
                    rejected.append("man page %s rejected (%s)" % (page, prob))
                else:
                    names, source = mnames, "man"
        if names is None:
            prob = name_problem(define_names, n)
            if prob:
                # Last resort: keep the kernel's names, made usable.
                names = last_resort_names(define_names)
                rejected.append("SYSCALL_DEFINE names rejected too (%s), kept with a "
                                "kernel_ prefix" % prob)
            else:
                names = define_names
            source = "define"
        stats[source] += 1
        if rejected:
            notes.append("names from %s: %s" % (
                {"man": "the man page", "define": "SYSCALL_DEFINE", "proto": "syscalls.h"}[source],
                "; ".join(rejected)))
        # --- types ---
        args = []
        for (ty, dname), pname in zip(d.args, names):
            try:
                info = types.resolve(ty)
            except GenError as e:
                fail("%s: %s (%s): parameter %s: %s" % (arch, name, d.where(), dname, e))
            if info.is_bool:
                notes.append("%s is bool: the kernel's `(bool)reg` cast tests all 64 bits of "
                             "the register, so the width is W64" % pname)
            alias = dname if dname != pname and not name_problem([dname], 1) else None
            args.append({
                "name": pname, "alias": alias, "ty": ty, "bits": info.bits,
                "signed": info.signed, "pointer": info.pointer, "is_bool": info.is_bool,
            })
        tables["facts"].apply(tables["prover"], name, cands, args, define_names)
        # An alias must not shadow another parameter's name or alias.
        taken = {a["name"] for a in args}
        for a in args:
            if a["alias"] is not None:
                if a["alias"] in taken:
                    notes.append("no alias %s for %s: another parameter is called that" % (
                        a["alias"], a["name"]))
                    a["alias"] = None
                else:
                    taken.add(a["alias"])
        out.append({"name": name, "nr": nr, "args": args, "implemented": True,
                    "notes": notes, "def": d.where(), "source": source})
    return out, stats, (table_path, sorted(abis))


# --------------------------------------------------------------------------------------
# Constants
# --------------------------------------------------------------------------------------

def headers_install(tree, cfg, work):
    """`make headers_install` of the kernel source for this arch, out of tree."""
    build = os.path.join(work, "build-" + cfg["srcarch"])
    dest = os.path.join(work, "hdr-" + cfg["srcarch"])
    cmd = ["make", "-s", "-C", tree.root, "O=" + build, "ARCH=" + cfg["srcarch"],
           "INSTALL_HDR_PATH=" + dest, "headers_install"]
    envv = dict(os.environ, LC_ALL="C")
    envv.pop("MAKEFLAGS", None)
    r = subprocess.run(cmd, capture_output=True, text=True, env=envv)
    if r.returncode != 0:
        fail("%s failed:\n%s%s" % (" ".join(cmd), r.stdout[-3000:], r.stderr[-3000:]))
    return os.path.join(dest, "include")


def run_cc(cc, args, src, cwd):
    r = subprocess.run([cc] + args, input=src, capture_output=True, text=True, cwd=cwd,
                       env=dict(os.environ, LC_ALL="C"))
    return r


def tu_source(headers):
    return "#define _GNU_SOURCE 1\n" + "".join("#include <%s>\n" % h for h in headers)


def macro_names(cc, inc, headers, cwd):
    """{name: body} of the object-like macros defined after including `headers`."""
    r = run_cc(cc, ["-E", "-dM", "-I", inc, "-x", "c", "-"], tu_source(headers), cwd)
    if r.returncode != 0:
        fail("%s -E -dM failed:\n%s" % (cc, r.stderr[-4000:]))
    out = {}
    for line in r.stdout.split("\n"):
        m = re.match(r"#define ([A-Za-z_]\w*)(\(?)\s?(.*)", line)
        if m and not m.group(2):
            out[m.group(1)] = m.group(3)
    return out


def enumerator_names(cc, inc, headers, cwd):
    """Names of the enumerators declared by `headers` (from the preprocessed text)."""
    r = run_cc(cc, ["-E", "-P", "-I", inc, "-x", "c", "-"], tu_source(headers), cwd)
    if r.returncode != 0:
        fail("%s -E failed:\n%s" % (cc, r.stderr[-4000:]))
    text = re.sub(r'"(?:\\.|[^"\\])*"', '""', r.stdout)
    names = set()
    for m in re.finditer(r"\benum\b\s*(?:\w+\s*)?\{", text):
        depth, i = 1, m.end()
        while i < len(text) and depth:
            if text[i] == "{":
                depth += 1
            elif text[i] == "}":
                depth -= 1
            i += 1
        body = text[m.end():i - 1]
        for item in split_top(body):
            mm = re.match(r"([A-Za-z_]\w*)", item)
            if mm:
                names.add(mm.group(1))
    return names


def wanted(name, errno_names):
    if name in errno_names:
        return True
    if name.startswith("_") and re.search(r"_H_*\Z", name):
        return False  # include guard
    bare = name.lstrip("_")
    if any(bare.startswith(p) for p in CONST_EXCLUDED_PREFIXES):
        return False
    if CONST_EXACT.match(bare):
        return True
    return any(bare.startswith(p) for p in CONST_PREFIXES)


def evaluate(cc, inc, headers, names, cwd):
    """{name: value} for the names that are integer constant expressions. Each name gets
    one line of a C file (a `case` label, which must be an integer constant expression,
    and a `long long` initialiser); lines with errors are dropped and the file compiled
    again until it compiles. The values are read back from the assembly."""
    names = sorted(names)
    dropped = {}
    prelude = tu_source(headers)
    nl = prelude.count("\n")
    for _ in range(50):
        lines = []
        for i, n in enumerate(names):
            lines.append("void c__chk_%d(unsigned long long x) { switch (x) { case (%s): break; } } "
                         "const long long c__val_%d = (long long)(%s);" % (i, n, i, n))
        src = prelude + "\n".join(lines) + "\n"
        path = os.path.join(cwd, "consts.c")
        with open(path, "w") as f:
            f.write(src)
        r = subprocess.run([cc, "-S", "-O0", "-w", "-std=gnu11", "-fmax-errors=0",
                            "-fno-zero-initialized-in-bss", "-I", inc, "-o",
                            os.path.join(cwd, "consts.s"), path],
                           capture_output=True, text=True, env=dict(os.environ, LC_ALL="C"))
        if r.returncode == 0:
            break
        bad = set()
        for m in re.finditer(r"consts\.c:(\d+):", r.stderr):
            ln = int(m.group(1)) - nl - 1
            if 0 <= ln < len(names):
                bad.add(ln)
        if not bad:
            fail("%s: compile failed outside the per-name lines:\n%s" % (cc, r.stderr[-4000:]))
        for ln in bad:
            dropped[names[ln]] = "not an integer constant expression"
        names = [n for i, n in enumerate(names) if i not in bad]
    else:
        fail("constant evaluation did not converge")
    with open(os.path.join(cwd, "consts.s")) as f:
        asm = f.read()
    vals = {}
    for m in re.finditer(r"^c__val_(\d+):\s*\n\s*\.(quad|xword|dword|8byte|zero)\s+(-?\w+)", asm, re.M):
        i = int(m.group(1))
        v = 0 if m.group(2) == "zero" else int(m.group(3), 0)
        v &= (1 << 64) - 1
        if v >= 1 << 63:
            v -= 1 << 64
        vals[names[i]] = v
    missing = [n for n in names if n not in vals]
    if missing:
        fail("%s: values not found in the assembly for %s" % (cc, missing[:10]))
    return vals, dropped


def build_constants(arch, cfg, inc, work):
    cc = cfg["cc"]
    cwd = os.path.join(work, "cc-" + arch)
    os.makedirs(cwd, exist_ok=True)
    tu1 = TU1_HEADERS + cfg["extra_headers"]
    errno_names = {n for n in macro_names(cc, inc, ["errno.h"], cwd)
                   if re.match(r"E[A-Z0-9]+\Z", n)}
    predefined = set(macro_names(cc, inc, [], cwd)) - {"_GNU_SOURCE"}  # compiler's own
    m1 = macro_names(cc, inc, tu1, cwd)
    e1 = enumerator_names(cc, inc, tu1, cwd)
    defined1 = set(m1) | e1
    c1 = {n for n in defined1 if wanted(n, errno_names) and n not in predefined}
    v1, d1 = evaluate(cc, inc, tu1, c1, cwd)
    m2 = macro_names(cc, inc, TU2_HEADERS, cwd)
    e2 = enumerator_names(cc, inc, TU2_HEADERS, cwd)
    # TU 2 adds the names TU 1 does not define, and retries those TU 1 defines but could
    # not evaluate when TU 2's definition is the very same text (TCGETS2 needs struct
    # termios2, which only the kernel's headers declare); a different definition (glibc's
    # SIGRTMIN) is not replaced.
    c2 = {n for n in (set(m2) | e2) if wanted(n, set()) and not n in predefined
          and (n not in defined1 or (n in d1 and n in m1 and m2.get(n) == m1[n]))}
    v2, d2 = evaluate(cc, inc, TU2_HEADERS, c2, cwd)
    vals = dict(v1)
    vals.update(v2)
    glibc = "glibc %s.%s" % (m1.get("__GLIBC__", "?"), m1.get("__GLIBC_MINOR__", "?"))
    dropped = {n: why for n, why in d1.items() if n not in v2}
    dropped.update(d2)
    return vals, dropped, glibc, {"tu1": len(v1), "tu2": len(v2)}


# --------------------------------------------------------------------------------------
# Checks of the output (cheap assertions on well-known facts)
# --------------------------------------------------------------------------------------

EXPECT = {
    "x86_64": {
        "nr": {"read": 0, "write": 1, "open": 2, "mmap": 9, "socket": 41, "clone": 56,
               "clone3": 435},
        "absent": [],
        "args": {
            "write": [(None, "unsigned int", 32, False, False), (None, None, 64, False, True),
                      (None, "size_t", 64, False, False)],
            "clone": [("clone_flags",), ("newsp",), ("parent_tidptr",), ("child_tidptr",),
                      ("tls",)],
            "socket": [("domain", None, 32, True, False), ("type", None, 32, True, False),
                       ("protocol", None, 32, True, False)],
            "bind": [("sockfd",), ("addr",), ("addrlen",)],
            "kill": [(None, "pid_t", 32, True, False), (None, "int", 32, True, False)],
        },
        "consts": {"O_DIRECTORY": 0o200000, "AUDIT_ARCH_X86_64": 0xc000003e},
    },
    "aarch64": {
        "nr": {"openat": 56, "clone": 220, "mmap": 222},
        "absent": ["open"],
        "args": {
            "clone": [("clone_flags",), ("newsp",), ("parent_tidptr",), ("tls",),
                      ("child_tidptr",)],
        },
        "consts": {"O_DIRECTORY": 0o40000, "AUDIT_ARCH_AARCH64": 0xc00000b7},
    },
}
EXPECT_COMMON_CONSTS = {
    "AT_FDCWD": -100, "EPERM": 1, "ENOSYS": 38, "AF_VSOCK": 40, "SOCK_CLOEXEC": 0o2000000,
    "CLONE_NEWUSER": 0x10000000, "TCGETS": 0x5401, "FIONBIO": 0x5421,
    "PR_SET_NO_NEW_PRIVS": 38, "PROT_EXEC": 4,
}


def self_check(arch, syscalls, consts):
    by = {s["name"]: s for s in syscalls}
    exp = EXPECT[arch]
    errs = []
    for n, nr in exp["nr"].items():
        if n not in by or by[n]["nr"] != nr:
            errs.append("%s: expected nr %d, got %s" % (n, nr, by.get(n, {}).get("nr")))
    for n in exp["absent"]:
        if n in by:
            errs.append("%s should not exist" % n)
    for n, specs in exp["args"].items():
        args = by.get(n, {}).get("args", [])
        if len(args) != len(specs):
            errs.append("%s: %d args, expected %d" % (n, len(args), len(specs)))
            continue
        for a, spec in zip(args, specs):
            got = (a["name"], a["ty"], a["bits"], a["signed"], a["pointer"])
            for k, (g, e) in enumerate(zip(got, spec)):
                if e is None or g == e or (k == 0 and a["alias"] == e):
                    continue
                errs.append("%s: arg %s: expected %r, got %r" % (n, a["name"], spec, got))
                break
    def arg(sc, i):
        return by[sc]["args"][i]
    if arch == "x86_64":
        checks = [
            (arg("personality", 0)["bits"] == 32, "personality arg W32"),
            (arg("chmod", 1)["bits"] == 16, "chmod mode W16"),
            (arg("openat", 0)["bits"] == 32 and arg("openat", 0)["signed"], "openat dfd W32 signed"),
            (arg("openat", 2)["bits"] == 32, "openat flags W32"),
            (all(a["bits"] == 64 for a in by["mmap"]["args"] if a["name"] != "fd")
             and len(by["mmap"]["args"]) == 6, "mmap W64 but fd"),
            (arg("mmap", 4)["bits"] == 32 and arg("mmap", 4)["narrowed"], "mmap fd narrowed"),
            (arg("clone", 0)["bits"] == 32 and arg("clone", 0)["flags"], "clone_flags W32 flags"),
            (arg("ptrace", 1)["bits"] == 32 and arg("ptrace", 0)["bits"] == 64,
             "ptrace pid W32, request W64"),
            (arg("mmap", 2)["flags"] and not arg("mmap", 2)["narrowed"], "mmap prot flag set"),
        ]
        errs += [msg for ok, msg in checks if not ok]
    want = dict(EXPECT_COMMON_CONSTS)
    want.update(exp["consts"])
    for n, v in want.items():
        if consts.get(n) != v:
            errs.append("constant %s: expected %#x, got %s" % (n, v, consts.get(n)))
    if errs:
        fail("%s: self-check failed:\n  %s" % (arch, "\n  ".join(errs)))


# --------------------------------------------------------------------------------------
# Rust output
# --------------------------------------------------------------------------------------

def rust_str(s):
    return '"%s"' % s.replace("\\", "\\\\").replace('"', '\\"')


def rust_i64(v):
    return "i64::MIN" if v == -(1 << 63) else str(v)


def render(arch, info):
    L = []
    L.append("// @generated by tools/gen-tables.py from Linux %s (and %s headers, %s); do not edit."
             % (info["kernel"], info["glibc"], info["man"]))
    L.append("//")
    L.append("// Syscall table: %s, ABIs %s." % (info["table"][0], ", ".join(info["table"][1])))
    L.append("// Argument names: include/linux/syscalls.h prototype %d, man page %d, "
             "SYSCALL_DEFINE %d." % (info["stats"]["proto"], info["stats"]["man"],
                                     info["stats"]["define"]))
    L.append("// Constants: %d, from %s compiled for %s against the kernel's headers_install."
             % (len(info["consts"]), info["cc"], arch))
    args = [a for s in info["syscalls"] for a in s["args"]]
    L.append("// Effective widths and flag sets: tools/arguments.toml (%d arguments narrowed "
             "below their C type, %d flag sets), checked against the kernel source."
             % (sum(1 for a in args if a["narrowed"]), sum(1 for a in args if a["flags"])))
    ws = [m for a, m in WARNINGS if a == arch]
    if ws:
        L.append("//")
        L.append("// Warnings:")
        for w in ws:
            L.append("// - %s" % w)
    L.append("")
    uses = ["ArchTable", "ArgDef", "ConstDef", "FlagSet", "SyscallDef", "Width"]
    L.append("use super::{%s};" % ", ".join(uses))
    L.append("")
    L.append("pub(crate) static TABLE: ArchTable = ArchTable {")
    L.append("    kernel: %s," % rust_str(info["kernel"]))
    L.append("    audit_arch: %#x," % info["audit_arch"])
    L.append("    syscalls: &[")
    for s in info["syscalls"]:
        for note in s["notes"]:
            L.append("        // %s" % note)
        L.append("        SyscallDef {")
        L.append("            name: %s," % rust_str(s["name"]))
        L.append("            nr: %d," % s["nr"])
        if s["args"]:
            L.append("            args: &[")
            for a in s["args"]:
                L.append("                ArgDef {")
                L.append("                    name: %s," % rust_str(a["name"]))
                L.append("                    alias: %s," % (
                    "Some(%s)" % rust_str(a["alias"]) if a["alias"] else "None"))
                L.append("                    ty: %s," % rust_str(a["ty"]))
                L.append("                    width: Width::W%d," % a["bits"])
                L.append("                    signed: %s," % ("true" if a["signed"] else "false"))
                L.append("                    pointer: %s," % ("true" if a["pointer"] else "false"))
                if a["narrowed"]:
                    L.append("                    narrowed: &[")
                    for site in a["narrowed"]:
                        L.append("                        %s," % rust_str(site))
                    L.append("                    ],")
                else:
                    L.append("                    narrowed: &[],")
                if a["flags"]:
                    L.append("                    flags: Some(FlagSet { why: %s, at: %s })," % (
                        rust_str(a["flags"][0]), rust_str(a["flags"][1])))
                else:
                    L.append("                    flags: None,")
                L.append("                },")
            L.append("            ],")
        else:
            L.append("            args: &[],")
        L.append("            implemented: %s," % ("true" if s["implemented"] else "false"))
        L.append("        },")
    L.append("    ],")
    L.append("    constants: &[")
    for n in sorted(info["consts"]):
        L.append("        ConstDef {")
        L.append("            name: %s," % rust_str(n))
        L.append("            value: %s," % rust_i64(info["consts"][n]))
        L.append("        },")
    L.append("    ],")
    L.append("};")
    return "\n".join(L) + "\n"


def rustfmt(text, cwd):
    r = subprocess.run(["rustfmt", "--edition", "2024", "--emit", "stdout"], input=text,
                       capture_output=True, text=True, cwd=cwd)
    if r.returncode != 0:
        fail("rustfmt failed:\n%s" % r.stderr[-3000:])
    return r.stdout


# --------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------

def generate(tree, work):
    arches = list(ARCHES)
    # headers_install is the slow part: run both arches' in the background meanwhile.
    pool = ThreadPoolExecutor(max_workers=2)
    hdr_jobs = {a: pool.submit(headers_install, tree, ARCHES[a], work) for a in arches}
    results = {}
    facts = ArgumentFacts(load_arguments())
    try:
        for arch in arches:
            cfg = ARCHES[arch]
            env, syms, wants = arch_env(tree, arch, cfg)
            defs, renames, asm_syms = scan_definitions(tree, arch, cfg, env)
            protos = scan_prototypes(tree, cfg, env)
            types = TypeResolver(tree, cfg, env)
            cond = set(re.findall(r"^\s*COND_SYSCALL\((\w+)\)", strip_comments(
                tree.read("kernel/sys_ni.c")), re.M))
            tables = {"defs": defs, "renames": renames, "asm": asm_syms, "protos": protos,
                      "types": types, "cond": cond, "facts": facts,
                      "prover": facts.prover(tree, arch, env, types)}
            syscalls, stats, table = build_syscalls(tree, arch, cfg, tables)
            results[arch] = {"syscalls": syscalls, "stats": stats, "table": table,
                             "symbols": syms, "wants": wants}
        facts.finish()
        for arch in arches:
            cfg = ARCHES[arch]
            inc = hdr_jobs[arch].result()
            vals, dropped, glibc, tus = build_constants(arch, cfg, inc, work)
            if cfg["audit_arch"] not in vals:
                fail("%s: %s not found" % (arch, cfg["audit_arch"]))
            r = results[arch]
            r.update({"consts": vals, "dropped": dropped, "glibc": glibc, "tus": tus,
                      "audit_arch": vals[cfg["audit_arch"]] & 0xffffffff})
            self_check(arch, r["syscalls"], vals)
    finally:
        pool.shutdown(wait=True)
    return results


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--kernel-src", required=True,
                    help="Linux source directory, or a tarball (e.g. /usr/src/linux-source-6.12.tar.xz)")
    ap.add_argument("--check", action="store_true",
                    help="do not write; exit 1 if the committed files differ")
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--out-dir", default=os.path.join(here, "..", "seccomp-dsl", "src", "tables"))
    ap.add_argument("--verbose", "-v", action="store_true", help="print per-syscall details")
    ap.add_argument("--cross-check", action="store_true",
                    help="compare syscall numbers with libseccomp's scmp_sys_resolver")
    args = ap.parse_args()

    work = tempfile.mkdtemp(prefix="gen-tables-")
    try:
        src = args.kernel_src
        if os.path.isfile(src):
            print("extracting %s ..." % src, file=sys.stderr)
            spec = load_arguments()
            cited = {f["file"] for f in list(spec["functions"].values())
                     + list(spec["macros"].values()) + spec["flag_sets"]}
            src = extract_tarball(src, os.path.join(work, "src"), frozenset(cited))
        check_man_pages()
        tree = Tree(os.path.abspath(src))
        results = generate(tree, work)
        out_dir = os.path.abspath(args.out_dir)
        mk = tree.read("Makefile")
        sub = re.search(r"^SUBLEVEL\s*=\s*(\d+)", mk, re.M)
        man = man_version()
        changed = []
        for arch, r in results.items():
            info = {
                "kernel": tree.version,
                "glibc": r["glibc"], "man": man, "table": r["table"], "stats": r["stats"],
                "consts": r["consts"], "cc": ARCHES[arch]["cc"], "audit_arch": r["audit_arch"],
                "syscalls": sorted(r["syscalls"], key=lambda s: s["name"]),
            }
            text = rustfmt(render(arch, info), out_dir)
            path = os.path.join(out_dir, "gen_%s.rs" % arch)
            old = None
            if os.path.exists(path):
                with open(path) as f:
                    old = f.read()
            impl = sum(1 for s in r["syscalls"] if s["implemented"])
            print("%s: Linux %s.%s, %d syscalls (%d implemented), %d constants (%d dropped as "
                  "non-integer), audit_arch %#x" % (
                      arch, tree.version, sub.group(1) if sub else "?", len(r["syscalls"]),
                      impl, len(r["consts"]), len(r["dropped"]), r["audit_arch"]),
                  file=sys.stderr)
            if args.verbose:
                for s in sorted(r["syscalls"], key=lambda s: s["nr"]):
                    print("  %3d %-24s %s" % (s["nr"], s["name"], ", ".join(
                        "%s%s: %s W%d%s%s%s%s" % (
                            a["name"], "/" + a["alias"] if a["alias"] else "", a["ty"],
                            a["bits"], " signed" if a["signed"] else "",
                            " pointer" if a["pointer"] else "",
                            " narrowed" if a["narrowed"] else "", " flags" if a["flags"] else "")
                        for a in s["args"]) if s["implemented"] else "(not implemented)"),
                        file=sys.stderr)
            if args.verbose:
                print("  Kconfig symbols known y: %d; %s" % (len(r["symbols"]), " ".join(
                    r["wants"])), file=sys.stderr)
                print("  dropped (not integer constant expressions): %s" % " ".join(
                    sorted(r["dropped"])), file=sys.stderr)
                print("  constants: %s" % " ".join(
                    "%s=%d" % (n, v) for n, v in sorted(r["consts"].items())), file=sys.stderr)
            if args.cross_check:
                cross_check(arch, r["syscalls"])
            if old != text:
                changed.append((path, old, text))
        for arch, msg in WARNINGS:
            print("warning: %s: %s" % (arch, msg), file=sys.stderr)
        if args.check:
            # Another point release of the same kernel moves lines, not facts: every claim
            # was checked against the source given, so differences in the line numbers of
            # kernel citations alone pass (with a note).
            moved = [c for c in changed if c[1] is not None
                     and _without_line_numbers(c[1]) == _without_line_numbers(c[2])]
            changed = [c for c in changed if c not in moved]
            for path, _, _ in moved:
                print("note: %s: only the line numbers of kernel citations differ (another "
                      "%s patch level): regenerate when convenient" % (path, tree.version),
                      file=sys.stderr)
            if changed:
                for path, old, new in changed:
                    diff = list(difflib.unified_diff(
                        (old or "").splitlines(True), new.splitlines(True),
                        path + " (committed)", path + " (generated)", n=1))
                    adds = sum(1 for l in diff if l.startswith("+") and not l.startswith("+++"))
                    dels = sum(1 for l in diff if l.startswith("-") and not l.startswith("---"))
                    print("%s is out of date: +%d -%d lines" % (path, adds, dels))
                    sys.stdout.writelines(diff[:200])
                    if len(diff) > 200:
                        print("... (%d more diff lines)" % (len(diff) - 200))
                print("run: tools/gen-tables.py --kernel-src <linux source>")
                return 1
            print("tables are up to date", file=sys.stderr)
            return 0
        for path, _, text in changed:
            with open(path, "w") as f:
                f.write(text)
            print("wrote %s" % path, file=sys.stderr)
        if not changed:
            print("tables already up to date", file=sys.stderr)
        return 0
    except GenError as e:
        print("gen-tables: error: %s" % e, file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _without_line_numbers(text):
    """`kernel/fork.c:2965:` -> `kernel/fork.c:_:` (for --check across point releases)."""
    return re.sub(r"\b([\w./-]+\.[chS]):\d+", r"\1:_", text)


def cross_check(arch, syscalls):
    """Compares numbers with libseccomp's scmp_sys_resolver (informational)."""
    tool = shutil.which("scmp_sys_resolver")
    if not tool:
        print("cross-check: scmp_sys_resolver not found", file=sys.stderr)
        return
    bad, unknown, ok = [], [], 0
    for s in syscalls:
        r = subprocess.run([tool, "-a", arch, s["name"]], capture_output=True, text=True)
        try:
            v = int(r.stdout.strip())
        except ValueError:
            v = None
        if v is None or v < 0:
            unknown.append(s["name"])
        elif v != s["nr"]:
            bad.append("%s: ours %d, libseccomp %d" % (s["name"], s["nr"], v))
        else:
            ok += 1
    print("cross-check %s: %d agree, %d mismatches, %d unknown to libseccomp%s" % (
        arch, ok, len(bad), len(unknown),
        (": " + ", ".join(unknown)) if unknown else ""), file=sys.stderr)
    for b in bad:
        print("  MISMATCH %s" % b, file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
