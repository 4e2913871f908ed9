//! Malformed policies: each gets the right code at the right place with a message a user
//! can act on (a did-you-mean where one is close), and no input makes the compiler panic.
//!
//! Every case names the code, the `line:col` of the primary span, a piece of the message
//! and, where the diagnostic should carry one, a piece of the fix (a suggestion, `help`,
//! `note` or span label). Cases with includes give the included files after `--- name`.

use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};

use proptest::prelude::*;
use seccomp_dsl::{Code, Diagnostic, Loaded, Loader, Output, SourceMap, compile_sources};

/// Includes served from memory, so include errors are tested without touching the disk.
struct Memory(HashMap<String, String>);

impl Loader for Memory {
    fn load(&mut self, _from: &str, path: &str) -> Result<Loaded, String> {
        self.0
            .get(path)
            .map(|text| Loaded {
                name: path.to_owned(),
                key: path.to_owned(),
                text: text.clone(),
            })
            .ok_or_else(|| format!("{path}: No such file or directory"))
    }
}

/// Compiles `case`: the root policy, then `--- name` sections with included files.
fn compile(case: &str) -> Output {
    let mut parts = case.split("\n--- ");
    let root = parts.next().unwrap();
    let files = parts
        .map(|p| {
            let (name, text) = p.split_once('\n').unwrap_or((p, ""));
            (name.to_owned(), text.to_owned())
        })
        .collect();
    let mut sources = SourceMap::new();
    let id = sources.add("policy.sc", root);
    compile_sources(sources, id, &mut Memory(files))
}

/// All the text a user sees for a diagnostic besides its message.
fn fixes(d: &Diagnostic) -> String {
    let mut s = String::new();
    for l in d.primary.iter().chain(&d.secondary) {
        s += &l.message;
        s.push('\n');
    }
    for n in d.notes.iter().chain(&d.help) {
        s += n;
        s.push('\n');
    }
    if let Some(sug) = &d.suggestion {
        s += &format!("{} `{}`", sug.message, sug.replacement);
    }
    s
}

/// Asserts that the first error of `case` has `code` at `line:col` (of the file the span is
/// in), a message containing `message` and a fix containing `fix` (`""`: no check), and
/// that the rendered text shows `file:line:col` and a caret.
#[track_caller]
fn expect(case: &str, code: Code, at: (usize, usize), message: &str, fix: &str) {
    let out = compile(case);
    let d = out
        .diagnostics
        .iter()
        .find(|d| d.is_error())
        .unwrap_or_else(|| panic!("no error for {case:?}"));
    let span = d.span().expect("errors point somewhere");
    let file = out.sources.file(span.file);
    let lc = file.line_col(span.start as usize);
    let all = out.render_diagnostics(false);
    assert!(
        d.code == code && lc == at && d.message.contains(message) && fixes(d).contains(fix),
        "for {case:?}\nexpected {code:?} at {at:?}: {message:?} / fix {fix:?}\ngot {:?} at {lc:?}: {:?} / fix {:?}\n{all}",
        d.code,
        d.message,
        fixes(d),
    );
    let arrow = format!("--> {}:{}:{}", file.name, at.0, at.1);
    assert!(all.contains(&arrow), "no `{arrow}` in\n{all}");
    assert!(all.contains(&format!("error[{}]", code.id())), "{all}");
    assert!(all.contains('^'), "no caret in\n{all}");
    assert!(out.programs.is_empty(), "a policy with errors compiled");
}

macro_rules! cases {
    ($($name:ident: $src:expr => $code:ident @ $line:literal:$col:literal, $msg:expr, $fix:expr;)*) => {
        $(
            #[test]
            fn $name() {
                expect($src, Code::$code, ($line, $col), $msg, $fix);
            }
        )*
        /// Every case above, for the count and the mutation test's seeds.
        const CASES: &[&str] = &[$($src),*];
    };
}

cases! {
    // Unknown names, with a did-you-mean by edit distance where one is close.
    unknown_syscall: "default kill; allow wrtie;"
        => UnknownSyscall @ 1:21, "unknown syscall `wrtie`", "did you mean `write`?";
    unknown_syscall_double_letter: "default kill; allow opennat;"
        => UnknownSyscall @ 1:21, "`opennat`", "`openat`";
    unknown_syscall_in_condition: "default kill;\nallow getpidd(arg0 == 1);"
        => UnknownSyscall @ 2:7, "unknown syscall `getpidd`", "`getpid`";
    unknown_syscall_in_group: "group @io = { read, wirte };\ndefault kill;\nallow @io;"
        => UnknownSyscall @ 1:21, "`wirte`", "`write`";
    unknown_syscall_far_from_any: "default kill; allow frobnicate;"
        => UnknownSyscall @ 1:21, "unknown syscall `frobnicate`", "";
    unknown_arg: "default kill; allow write(fdd == 1);"
        => UnknownArg @ 1:27, "`write` has no argument named `fdd`", "the arguments are: write(fd, buf, count)";
    unknown_arg_suggests: "default kill; allow write(fdd == 1);"
        => UnknownArg @ 1:27, "`fdd`", "did you mean `fd`?";
    unknown_arg_index: "default kill; allow read(arg6 == 1);"
        => UnknownArg @ 1:26, "no argument named `arg6`", "`arg0`..`arg2`";
    unknown_arg_other_syscall_name: "default kill; allow socket(sockdomain == 2);"
        => UnknownArg @ 1:28, "`socket` has no argument named `sockdomain`", "socket(domain, type, protocol)";
    unknown_arg_personality: "default kill; allow personality(persona == 1);"
        => UnknownArg @ 1:33, "`persona`", "`personality`";
    unknown_constant: "default kill; allow write(fd == STDOUT);"
        => UnknownConstant @ 1:33, "unknown constant `STDOUT`", "";
    unknown_constant_suggests: "default kill; allow openat(flags & O_RDONLYY == 0);"
        => UnknownConstant @ 1:36, "`O_RDONLYY`", "did you mean `O_RDONLY`?";
    unknown_constant_af: "default kill; allow socket(domain == AF_INETT);"
        => UnknownConstant @ 1:38, "`AF_INETT`", "`AF_INET`";
    unknown_constant_prot: "default kill; allow mmap(prot & PROT_EXC == 0);"
        => UnknownConstant @ 1:33, "`PROT_EXC`", "`PROT_EXEC`";
    unknown_constant_in_set: "default kill; allow socket(domain in {AF_UNIX, AF_INET7});"
        => UnknownConstant @ 1:48, "`AF_INET7`", "`AF_INET`";
    unknown_constant_in_const: "const RW = O_RDWR | O_WRONLYY;\ndefault kill;\nallow openat(flags & RW == 0);"
        => UnknownConstant @ 1:21, "`O_WRONLYY`", "`O_WRONLY`";
    unknown_errno_name: "default errno(ENOSYSS);"
        => UnknownConstant @ 1:15, "`ENOSYSS`", "`ENOSYS`";
    unknown_errno_far: "default errno(EFOO);"
        => UnknownConstant @ 1:15, "unknown constant `EFOO`", "";
    unknown_group: "default kill; allow @stdioo;"
        => UnknownGroup @ 1:21, "unknown group `@stdioo`", "built-in groups: @default";
    unknown_group_suggests: "default kill; allow @default, @rust_stdd;"
        => UnknownGroup @ 1:31, "`@rust_stdd`", "did you mean `@rust_std`?";
    unknown_arch: "arch x86_65; default kill;"
        => UnknownArch @ 1:6, "unknown architecture `x86_65`", "`x86_64`";
    unknown_action: "default kill; alow write;"
        => BadAction @ 1:15, "unknown action `alow`", "did you mean `allow`?";
    unknown_action_kill_proc: "default kill; kill_proc read;"
        => BadAction @ 1:15, "unknown action `kill_proc`", "`kill`";

    // Values that do not fit.
    value_too_wide_32: "default kill; allow write(fd == 0x1_0000_0000);"
        => ValueTooWide @ 1:33, "value does not fit argument `fd`", "low 32 bits";
    value_too_negative_32: "default kill; allow write(fd == -3000000000);"
        => ValueTooWide @ 1:33, "argument `fd`", "-2147483648..=4294967295";
    value_too_wide_in_set: "default kill; allow close(fd in {1, 0x1_0000_0000});"
        => ValueTooWide @ 1:37, "argument `fd`", "low 32 bits";
    value_too_wide_mask: "default kill; allow kill(sig & 0x1_0000_0000 == 0);"
        => ValueTooWide @ 1:32, "argument `sig`", "";
    number_over_64_bits: "default kill; allow write(count == 99999999999999999999999);"
        => BadNumber @ 1:36, "invalid number", "does not fit in 64 bits";
    bad_hex_digit: "default kill; allow write(fd == 0xzz);"
        => BadNumber @ 1:33, "invalid number `0xzz`", "not a hexadecimal digit";
    bad_octal_digit: "default kill; allow mkdir(mode == 0o9);"
        => BadNumber @ 1:35, "`0o9`", "not a octal digit";
    bad_binary_digit: "default kill; allow mkdir(mode == 0b102);"
        => BadNumber @ 1:35, "`0b102`", "not a binary digit";
    number_with_suffix: "default kill; allow write(fd == 1u32);"
        => BadNumber @ 1:33, "`1u32`", "suffixes";
    errno_too_large: "default errno(5000);"
        => BadErrno @ 1:15, "errno value 5000 is out of range", "`EPERM`";
    errno_negative: "default kill; errno(-1) read;"
        => BadErrno @ 1:21, "errno value -1 is out of range", "";
    trace_too_large: "default trace(70000);"
        => BadTrace @ 1:15, "trace value 70000 is out of range", "";

    // Structure.
    missing_default: "allow write;"
        => MissingDefault @ 1:1, "no default action", "default kill;";
    missing_default_only_comment: "// nothing yet\n"
        => MissingDefault @ 1:1, "no default action", "";
    duplicate_default: "default kill;\nallow read;\ndefault allow;"
        => DuplicateDefault @ 3:1, "the default action is set twice", "remove one";
    duplicate_default_through_include: "include \"base.sc\";\ndefault kill;\n--- base.sc\ndefault allow;\n"
        => DuplicateDefault @ 2:1, "set twice", "";
    duplicate_const: "const A = 1;\nconst A = 2;\ndefault kill;"
        => DuplicateDefinition @ 2:7, "constant `A` is defined twice", "";
    duplicate_group: "default kill; group @a = { read }; group @a = { write };"
        => DuplicateDefinition @ 1:43, "group `@a` is defined twice", "";
    duplicate_arch: "arch x86_64;\narch aarch64;\ndefault kill;"
        => DuplicateArch @ 2:1, "second `arch` statement", "one `arch` statement";
    set_used_as_value: "const FDS = {1, 2};\ndefault kill;\nallow read(fd == FDS);"
        => SetExpected @ 3:18, "`FDS` is a set, not a value", "write `fd in FDS`";

    // Includes.
    include_missing: "include \"base.sc\";\ndefault kill;"
        => IncludeNotFound @ 1:9, "cannot read included file `base.sc`", "No such file";
    include_missing_after_rules: "default kill;\nallow read;\ninclude \"net.sc\";"
        => IncludeNotFound @ 3:9, "`net.sc`", "";
    include_cycle: "include \"a.sc\";\ndefault kill;\n--- a.sc\ninclude \"b.sc\";\n--- b.sc\ninclude \"a.sc\";\n"
        => IncludeCycle @ 1:9, "`a.sc` includes itself", "a.sc -> b.sc -> a.sc";
    include_self: "include \"a.sc\";\ndefault kill;\n--- a.sc\nallow read;\ninclude \"a.sc\";\n"
        => IncludeCycle @ 2:9, "`a.sc` includes itself", "";
    error_inside_include: "include \"a.sc\";\ndefault kill;\n--- a.sc\nallow read;\nallow wirte;\n"
        => UnknownSyscall @ 2:7, "`wirte`", "`write`";

    // Syntax.
    missing_semicolon_at_end: "default kill"
        => Syntax @ 1:13, "expected `;`, found end of file", "add `;` after `kill`";
    missing_semicolon_mid_policy: "default kill;\nallow write(fd == 1)\nallow read;"
        => Syntax @ 2:21, "expected `;` or `,`, found keyword `allow`", "add `;` after `)`";
    single_equals: "default kill; allow write(fd = 1);"
        => Syntax @ 1:30, "found `=`", "use `==` to compare";
    dangling_or: "default kill; allow write(fd == 1 ||);"
        => Syntax @ 1:37, "expected a condition, found `)`", "";
    unclosed_paren: "default kill; allow write(fd == 1;"
        => Syntax @ 1:34, "found `;`", "";
    unclosed_paren_at_eof: "default kill; allow kill(sig == 1"
        => Syntax @ 1:34, "found end of file", "";
    empty_rule: "default kill; allow ;"
        => Syntax @ 1:21, "expected a syscall or `@group`, found `;`", "";
    in_without_set: "default kill; allow read(fd in 3);"
        => Syntax @ 1:32, "expected a set `{...}`, found number `3`", "";
    not_without_in: "default kill; allow read(fd not 1);"
        => Syntax @ 1:33, "expected `in`, found number `1`", "";
    chained_comparison: "default kill; allow read(count > 1 > 2);"
        => Syntax @ 1:36, "found `>`", "";
    comma_between_conditions: "default kill; allow read(fd == 1, count == 2);"
        => Syntax @ 1:33, "found `,`", "";
    condition_after_rule: "default kill; allow read(fd == 1) (fd == 2);"
        => Syntax @ 1:35, "found `(`", "conditions go directly after a syscall name";
    and_between_targets: "default kill; allow read(fd == 1) && write;"
        => Syntax @ 1:35, "found `&&`", "";
    missing_value: "default kill; allow read(fd == 1 && fd == );"
        => Syntax @ 1:43, "expected a value, found `)`", "";
    lone_not: "default kill; allow read(!);"
        => Syntax @ 1:27, "expected a condition", "";
    stray_dollar: "default kill; allow read $;"
        => Syntax @ 1:26, "found `$`", "";
    errno_two_values: "default kill; errno(EPERM, 2) read;"
        => Syntax @ 1:26, "found `,`", "";
    errno_without_value: "default kill; errno read;"
        => Syntax @ 1:21, "expected `(`, found name `read`", "";
    unterminated_comment: "default kill;\nallow read; /* TODO\nallow write;"
        => UnterminatedComment @ 2:13, "unterminated block comment", "close it with `*/`";
    unterminated_nested_comment: "default kill; /* a /* b */ allow read;"
        => UnterminatedComment @ 1:15, "unterminated block comment", "nest";
    unterminated_string: "include \"base.sc;\ndefault kill;"
        => UnterminatedString @ 1:9, "unterminated string", "same line";
}

#[test]
fn at_least_fifty_cases() {
    assert!(CASES.len() >= 50, "only {} malformed cases", CASES.len());
}

/// Every mistake in a policy is reported, not only the first, so a user fixes them in one go.
#[test]
fn reports_every_error_at_once() {
    let out = compile(
        "default kill;\nallow wrtie;\nallow read(fdd == 1);\nallow openat(flags == O_RDONLYY);",
    );
    let codes: Vec<_> = out
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.code)
        .collect();
    assert_eq!(
        codes,
        [
            Code::UnknownSyscall,
            Code::UnknownArg,
            Code::UnknownConstant
        ]
    );
}

/// A constant with different values per arch takes each arch's value; one missing on an
/// arch is an error that names the arch.
#[test]
fn constant_missing_on_one_arch() {
    let out = compile("arch x86_64, aarch64;\ndefault kill;\nallow mmap(flags & MAP_32BIT == 0);");
    let text = out.render_diagnostics(false);
    assert!(out.has_errors(), "{text}");
    assert!(text.contains("aarch64"), "{text}");
}

// Mutations of valid policies and of the cases above: whatever the bytes, the compiler
// answers with diagnostics whose spans lie inside the files, and never panics.

const SEEDS: &[&str] = &[
    "arch x86_64, aarch64;\nconst FAM = {AF_UNIX, AF_INET};\ngroup @io = { read, write(fd == 1 || fd == 2) };\ndefault kill;\nallow @io, exit_group, @default;\nallow socket(domain in FAM && type & SOCK_CLOEXEC != 0);\nerrno(EACCES) openat(flags & O_ACCMODE != O_RDONLY), open; /* c */\nallow mmap(prot & PROT_EXEC == 0), munmap;\nlog getdents64;\nallow kill(pid == 0 && !(sig > 0));\n",
    "default allow;\nerrno(EPERM) mkdir, mkdirat;\nkill_thread ptrace;\ntrap execve(arg0 == 0);\ntrace(7) uname;\nnotify bpf;\nallow write(fd not in {3, 4, 0xffff_ffff});\n",
];

/// Pieces a mutation inserts: tokens of the language and bytes that break it.
const PIECES: &[&str] = &[
    "(",
    ")",
    "{",
    "}",
    ";",
    ",",
    "==",
    "&",
    "|",
    "||",
    "&&",
    "!",
    "in",
    "not",
    "@",
    "\"",
    "/*",
    "*/",
    "//",
    "-",
    "0x",
    "_",
    "default",
    "allow",
    "errno(",
    "include \"x\";",
    "\n",
    "\u{e9}",
    "\u{1F600}",
    "\0",
    "arg9",
    "0xffffffffffffffffff",
    "@rust_std",
    "const",
];

fn check_no_panic(text: &str) {
    let result = catch_unwind(AssertUnwindSafe(|| {
        let out = compile(text);
        for d in &out.diagnostics {
            if let Some(span) = d.span() {
                let file = out.sources.file(span.file);
                assert!(span.start <= span.end, "reversed span in {d:?}");
                assert!(
                    span.end as usize <= file.text.len(),
                    "span past the end in {d:?}"
                );
            }
        }
        if out.has_errors() {
            assert!(out.programs.is_empty());
        }
        out.render_diagnostics(false).len()
    }));
    assert!(result.is_ok(), "the compiler panicked on {text:?}");
}

/// A mutation applied at a byte position (snapped to a char boundary).
#[derive(Clone, Debug)]
enum Mutation {
    Delete(usize, usize),
    Insert(usize, &'static str),
    Truncate(usize),
    Duplicate(usize, usize),
}

fn floor(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn apply(text: &str, m: &Mutation) -> String {
    let at = |i: usize| floor(text, i % (text.len() + 1));
    match *m {
        Mutation::Delete(i, n) => {
            let a = at(i);
            let b = floor(text, a + n);
            format!("{}{}", &text[..a], &text[b..])
        }
        Mutation::Insert(i, piece) => {
            let a = at(i);
            format!("{}{piece}{}", &text[..a], &text[a..])
        }
        Mutation::Truncate(i) => text[..at(i)].to_owned(),
        Mutation::Duplicate(i, n) => {
            let a = at(i);
            let b = floor(text, a + n);
            format!("{}{}", &text[..b], &text[a..])
        }
    }
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 1usize..8).prop_map(|(i, n)| Mutation::Delete(i, n)),
        (any::<usize>(), proptest::sample::select(PIECES))
            .prop_map(|(i, p)| Mutation::Insert(i, p)),
        any::<usize>().prop_map(Mutation::Truncate),
        (any::<usize>(), 1usize..40).prop_map(|(i, n)| Mutation::Duplicate(i, n)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1500, ..ProptestConfig::default() })]

    #[test]
    fn mutated_policies_never_panic(
        seed in proptest::sample::select(SEEDS.iter().chain(CASES).copied().collect::<Vec<_>>()),
        mutations in proptest::collection::vec(mutation(), 1..6),
    ) {
        let text = mutations.iter().fold(seed.to_owned(), |t, m| apply(&t, m));
        check_no_panic(&text);
    }

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,200}") {
        check_no_panic(&text);
    }
}

/// A file that includes itself through the file system is one cycle error, found before
/// the file is spliced in a second time (which would add a bogus duplicate `default`), and
/// the chain names the files as a user wrote them.
#[test]
fn self_include_on_disk_is_one_cycle_error() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/corpus/broken");
    for (file, chain) in [
        ("include-self.sc", "include-self.sc -> "),
        ("include-cycle.sc", "/lib/cycle_b.sc -> "),
    ] {
        let out = seccomp_dsl::compile_file(&root.join(file)).unwrap();
        let errors: Vec<_> = out.diagnostics.iter().filter(|d| d.is_error()).collect();
        assert_eq!(errors.len(), 1, "{}", out.render_diagnostics(false));
        assert_eq!(errors[0].code, Code::IncludeCycle);
        let note = &errors[0].notes[0];
        assert!(note.contains(chain) && !note.contains(".."), "{note}");
    }
}
