//! Stable diagnostic codes and their explanations (`scc explain CODE`).
//!
//! Numbering: `S00xx` syntax, `S01xx` errors in names, values and structure, `S02xx`
//! security warnings, `S03xx` logic warnings, `S04xx` notes. A code, once published, keeps
//! its meaning.

use crate::diag::Severity;

macro_rules! codes {
    ($( $(#[$doc:meta])* $variant:ident = $id:literal, $sev:ident, $summary:literal, $explain:literal; )*) => {
        /// A diagnostic code.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code {
            $( $(#[$doc])* $variant, )*
        }

        impl Code {
            /// Every code, in numeric order.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// `S0101`.
            pub fn id(self) -> &'static str {
                match self { $(Code::$variant => $id,)* }
            }

            /// The severity a finding of this code has unless configured otherwise.
            pub fn severity(self) -> Severity {
                match self { $(Code::$variant => Severity::$sev,)* }
            }

            /// A short name, e.g. `unknown syscall`.
            pub fn summary(self) -> &'static str {
                match self { $(Code::$variant => $summary,)* }
            }

            /// One paragraph: what it means and how to fix it.
            pub fn explanation(self) -> &'static str {
                match self { $(Code::$variant => $explain,)* }
            }

            /// Looks a code up by its id (`S0101`, case-insensitive).
            pub fn from_id(id: &str) -> Option<Code> {
                Code::ALL.iter().copied().find(|c| c.id().eq_ignore_ascii_case(id))
            }
        }
    };
}

codes! {
    Syntax = "S0001", Error, "syntax error",
        "The policy does not follow the grammar. The message says what was expected at the \
         caret. Every statement ends with `;`, conditions use Rust operators (`==`, `&&`, `||`, \
         `!`), and a rule is `ACTION target, target, ...;`.";
    BadNumber = "S0002", Error, "invalid number",
        "A number literal is malformed or does not fit in 64 bits. Numbers are decimal, `0x` \
         hexadecimal, `0o` octal or `0b` binary, with optional `_` separators, and no type \
         suffix.";
    UnterminatedComment = "S0003", Error, "unterminated block comment",
        "A `/*` comment has no matching `*/`. Block comments nest, as in Rust, so every `/*` \
         inside a comment needs its own `*/`.";
    UnterminatedString = "S0004", Error, "unterminated string",
        "A string literal (the path of an `include`) has no closing `\"`.";
    NestingTooDeep = "S0005", Error, "nesting too deep",
        "Parentheses, braces and `!` nest more than 64 levels deep (each `!` counts as a \
         level), or block comments more than 64 inside each other; in `scc check`, \
         parentheses in a call. Every stage of the compiler walks nested conditions \
         recursively, so nesting is bounded to keep any input from overflowing the stack. \
         Real policies nest a few levels: flatten the condition (`a || (b || c)` is `a || b \
         || c`, `!!x` is `x`, `!(a || b)` is `!a && !b`) or list values in a set (`fd in {1, \
         2, 3}`).";

    UnknownSyscall = "S0101", Error, "unknown syscall",
        "The name is not a system call on any target architecture. Check the spelling (the \
         message suggests the closest name); names are the kernel's, e.g. `newfstatat`, \
         `pread64`, `umount2`. A syscall that exists on some architectures only is not an \
         error: it is skipped where it does not exist.";
    UnknownArg = "S0102", Error, "unknown argument name",
        "Argument names are those of the kernel's prototype of the syscall (`write(fd, buf, \
         count)`), or the man page's where the kernel leaves them unnamed (`socket(domain, \
         type, protocol)`), or positional `arg0`..`arg5`. The message lists the syscall's real \
         arguments.";
    UnknownConstant = "S0103", Error, "unknown constant",
        "The name is neither a `const` defined earlier in the policy nor a kernel constant of \
         the target architecture (errno names, `O_*`, `AT_*`, `AF_*`, `SOCK_*`, `PROT_*`, \
         `MAP_*`, `CLONE_*`, `PR_*`, `F_*`, ioctl requests, ...). Constants must be defined \
         before they are used.";
    UnknownGroup = "S0104", Error, "unknown group",
        "`@name` refers to a group that is neither built in nor defined by an earlier `group \
         @name = { ... };`. The README lists the built-in groups.";
    UnknownArch = "S0105", Error, "unknown architecture",
        "`arch` names the architectures the policy is compiled for. Supported: `x86_64` and \
         `aarch64`.";
    ValueTooWide = "S0106", Error, "value does not fit the argument",
        "The kernel reads only the low bits of an argument whose C type is narrower than 64 \
         bits (an `int` fd is 32 bits, a `umode_t` mode 16). A value outside that width (after \
         sign extension for negative values) could never match and usually means the wrong \
         argument or constant; compare with a value that fits, or use the 64-bit argument you \
         meant.";
    BadErrno = "S0107", Error, "errno value out of range",
        "`errno(N)` returns -N from the syscall; the kernel keeps only 12 bits, so N must be \
         in 0..=4095. Use an errno name such as `EPERM` or `ENOSYS`.";
    BadTrace = "S0108", Error, "trace value out of range",
        "`trace(N)` passes N to the ptrace tracer in the low 16 bits of the return value: N \
         must be in 0..=65535.";
    MissingDefault = "S0109", Error, "missing default action",
        "Every policy needs exactly one `default ACTION;` that decides the syscalls no rule \
         matches. For an allowlist write `default kill;` (or `default errno(ENOSYS);` to let \
         programs fall back); for a denylist `default allow;`.";
    DuplicateDefault = "S0110", Error, "duplicate default action",
        "A policy has exactly one `default`. Keep one; an included file should usually not \
         set the default.";
    IncludeNotFound = "S0111", Error, "include file not found",
        "The file named by `include` could not be read. Paths are relative to the including \
         file (or, inside `seccomp_policy!`, to the crate's `CARGO_MANIFEST_DIR`). Only \
         regular files of at most 1 MiB are read (not devices such as `/dev/zero`, FIFOs \
         or sockets), and at most 4 MiB for all the includes of a policy.";
    IncludeCycle = "S0112", Error, "include cycle",
        "A file includes itself, directly or through other files. Include each shared file \
         once, from the top-level policy.";
    DuplicateDefinition = "S0113", Error, "duplicate definition",
        "A `const` or `group` name is defined twice, a group shadows a built-in group, or a \
         `const` has the name of a kernel constant (`const EPERM = 0;` would silently turn \
         every later `errno(EPERM)` into `errno(0)`). Rename one of them.";
    SetExpected = "S0114", Error, "set or value in the wrong place",
        "`in` and `not in` take a set (`{A, B}` or a `const` defined as a set); comparisons \
         and masks take a single value. A `const` defined as a set cannot be used as a \
         value, nor the reverse.";
    ArgOutOfRange = "S0115", Error, "argument index out of range",
        "The syscall has fewer arguments than the positional name implies (`arg3` of a \
         three-argument syscall). The kernel passes whatever is in that register, so a \
         condition on it is meaningless.";
    NoPrototype = "S0116", Error, "no known prototype",
        "The kernel does not implement this syscall on the architecture (its table entry is \
         `sys_ni_syscall`), so its arguments have no names or widths to compare. Use the \
         syscall without a condition.";
    TooLarge = "S0117", Error, "filter too large",
        "The kernel rejects classic-BPF programs longer than 4096 instructions. Merge rules, \
         use `in` sets instead of many conditions, or split the policy into two filters \
         installed one after the other.";
    BadAction = "S0118", Error, "invalid action",
        "Actions are `allow`, `log`, `kill` (= `kill_process`), `kill_process`, \
         `kill_thread`, `trap`, `errno(N)`, `trace(N)` and `notify`.";
    DuplicateArch = "S0119", Error, "duplicate or misplaced arch declaration",
        "A policy has at most one `arch` statement, in the root file, listing each \
         architecture once.";
    ConstantValueMismatch = "S0120", Error, "constant has no value on an architecture",
        "The constant exists on some target architectures but not on this one, so the rule \
         cannot be compiled for it. Restrict the policy with `arch`, or use a number.";
    ExpansionTooLarge = "S0121", Error, "groups expand to too many targets",
        "The policy's `@group` references expand to more than 10,000 syscall targets \
         together. A group that lists another group several times holds its targets that \
         many times over, so a few lines of nested groups can stand for billions of \
         targets; every syscall of an architecture is about 400. List each group once \
         (`@a, @a` is `@a`), and each member group of a group of groups once.";

    DenylistSibling = "S0201", Warning, "denylist misses a sibling syscall",
        "A denylist (`default allow` or `log`) blocks a syscall but not another that does the \
         same thing: `openat` but not `open` or `openat2`, `mkdir` but not `mkdirat`, \
         `execve` but not `execveat`, `dup2` but not `dup3`. An attacker simply uses the \
         sibling. Block the whole family, or better, write an allowlist.";
    Clone3Unfiltered = "S0202", Warning, "clone filtered but clone3 allowed",
        "`clone` is allowed only with some flags, but `clone3` is allowed outright. clone3 \
         passes its flags in a struct in memory, which seccomp cannot read, so the check on \
         clone is sidestepped. Give clone3 `errno(ENOSYS)`: libc then falls back to clone, \
         whose flags the filter does check.";
    PointerCompared = "S0203", Warning, "pointer argument compared",
        "A condition compares a pointer argument (a path, a buffer, a struct) with a value \
         other than 0. The filter sees only the address, never the memory it points to, and \
         another thread can change that memory after the check (time of check to time of \
         use). Compare pointers with 0 only; to restrict paths, use Landlock, or `notify` with \
         a supervisor that reads the memory itself.";
    DangerousSyscall = "S0204", Warning, "dangerous syscall allowed",
        "An allowlist allows a syscall that is a classic way out of a sandbox or into the \
         kernel: ptrace and process_vm_*, module and kexec loading, bpf, perf_event_open, \
         userfaultfd, mount and namespace changes, the keyring, open_by_handle_at, I/O ports. \
         Remove it unless the program really needs it; if it does, silence the finding with \
         `--allow S0204` or a `// scc: allow(S0204)` comment on the rule.";
    DefaultEperm = "S0205", Warning, "default errno(EPERM)",
        "Programs take EPERM as \"you may not\" and give up, where ENOSYS means \"this kernel \
         has no such syscall\" and makes libc and runtimes fall back to an older one (clone3 \
         to clone, statx to fstat, openat2 to openat). Prefer `default errno(ENOSYS);`.";
    DefaultKillThread = "S0206", Warning, "default kill_thread",
        "`kill_thread` kills only the calling thread: the rest of the process goes on, maybe \
         holding locks the dead thread held, in a state nobody tested. Use `default kill;`, \
         which kills the whole process.";
    FlagEquality = "S0207", Warning, "flags compared for equality",
        "The argument is a set of flags the kernel tests bit by bit, ignoring bits it does \
         not use or accepting flags that change nothing the rule is about (mmap's and \
         mprotect's `prot`, open's `flags` and `mode`, clone's flags, socket's `type`, ...; \
         the list, with the kernel lines that show it, is generated with the tables). `==` \
         and `in` match one exact combination, so a rule that denies `prot == PROT_READ | \
         PROT_WRITE | PROT_EXEC` is bypassed by the same call with one more bit (`| \
         PROT_SEM`, `| 0x40`); an allow rule with `!=` lets that combination through the \
         same way. Test the bits that matter with a mask: `prot & PROT_EXEC != 0`, or \
         `prot & (PROT_WRITE | PROT_EXEC) == PROT_WRITE | PROT_EXEC`.";

    ShadowedRule = "S0301", Warning, "rule never reached",
        "Rules are tried in file order and the first match decides. An earlier rule on the \
         same syscall already matches every call this one would, so it never applies. Move \
         the more specific rule first, or remove it.";
    DuplicateTarget = "S0302", Warning, "duplicate target",
        "The same syscall appears twice in one rule: the second is never reached and usually \
         means another syscall was meant. Remove one, or name the one you meant.";
    ConstantCondition = "S0303", Warning, "condition always true or false",
        "The condition does not depend on the arguments: always true (`fd >= 0` on an \
         unsigned comparison, `x == 1 || x != 1`) or always false (`x == 1 && x == 2`, \
         `fd < 0`). Comparisons are unsigned at the argument's width. Fix the comparison, or \
         write the syscall without a condition.";
    MissingEssential = "S0304", Warning, "allowlist misses what every process needs",
        "An allowlist that does not allow `exit_group`, `rt_sigreturn` and `restart_syscall` \
         kills the program when it exits, returns from a signal handler, or is resumed after \
         a stop. Add them (they are in `@default`).";

    SeccompAllowed = "S0401", Note, "more filters may be installed",
        "The policy allows `seccomp` (or `prctl(PR_SET_SECCOMP)`). That is fine: a filter \
         added later can only restrict further, never lift this one. The note is there so \
         that it is a decision.";
    MissingOnArch = "S0402", Note, "syscall missing on an architecture",
        "A rule names a syscall that one of the policy's target architectures does not have \
         (aarch64 has no `open`, `stat`, `fork`, ...). The rule is skipped on that \
         architecture, which is right when programs call a replacement there (`openat`), \
         so check that the policy names it too, or restrict the policy with `arch`.";
}
