//! A generator of deep and wide policies, for fuzzing the front end with inputs that
//! mutating small files never reaches: nesting thousands of levels deep, rules with tens
//! of thousands of targets, names of hundreds of kilobytes, thousands of groups that
//! multiply each other, chains of constants, chains and fans of includes, deep `scc
//! check` calls.
//!
//! It is driven by bytes, like `arbitrary`, so the same code serves `cargo test`
//! (`tests/fuzz_deep.rs`, random bytes from proptest) and cargo-fuzz
//! (`fuzz/fuzz_targets/deep.rs`, the fuzzer's bytes): every byte string is a case.

#![allow(dead_code)]

/// One generated input: files (the root first, the others named as the root includes
/// them) and calls to check against the policy.
#[derive(Clone, Debug)]
pub struct Case {
    pub shape: &'static str,
    pub files: Vec<(String, String)>,
    pub calls: Vec<String>,
}

/// Reads choices from bytes; zeros once they run out.
struct Bytes<'a> {
    data: &'a [u8],
    pos: usize,
}

impl Bytes<'_> {
    fn byte(&mut self) -> u8 {
        let b = self.data.get(self.pos).copied().unwrap_or(0);
        self.pos += 1;
        b
    }

    /// A number in `0..=max`, spread over the whole range (two bytes, then scaled).
    fn upto(&mut self, max: usize) -> usize {
        let raw = usize::from(self.byte()) << 8 | usize::from(self.byte());
        raw * (max + 1) / 65536
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[usize::from(self.byte()) % items.len()]
    }
}

/// Real names, kernel constants and a few that do not exist.
const SYSCALLS: &[&str] = &[
    "read",
    "write",
    "openat",
    "futex",
    "socket",
    "mmap",
    "clone",
    "exit_group",
    "open",
    "nosuch",
    "reed",
];
const VALUES: &[&str] = &[
    "1", "0x10", "-1", "AF_UNIX", "O_RDONLY", "EPERM", "NOPE", "0b11",
];
const ACTIONS: &[&str] = &["allow", "kill", "errno(EPERM)", "log", "trap", "trace(1)"];

/// The case the bytes describe.
pub fn generate(data: &[u8]) -> Case {
    let mut b = Bytes { data, pos: 0 };
    let shape = b.byte() % 10;
    match shape {
        0 => nesting(&mut b),
        1 => wide_rule(&mut b),
        2 => huge_name(&mut b),
        3 => groups(&mut b),
        4 => includes(&mut b),
        5 => many_rules(&mut b),
        6 => deep_call(&mut b),
        7 => big_set(&mut b),
        8 => consts(&mut b),
        _ => mixed(&mut b),
    }
}

fn root(shape: &'static str, text: String) -> Case {
    Case {
        shape,
        files: vec![("policy.sc".into(), text)],
        calls: Vec::new(),
    }
}

/// Parentheses, `!`, `-(`, braces or block comments, up to 6,000 deep, balanced or not.
fn nesting(b: &mut Bytes<'_>) -> Case {
    let depth = b.upto(6000);
    let balanced = b.byte() % 4 != 0;
    let close = |s: &str| {
        if balanced {
            s.repeat(depth)
        } else {
            String::new()
        }
    };
    let text = match b.byte() % 6 {
        0 => format!(
            "default kill; allow write({}fd == 1{});",
            "(".repeat(depth),
            close(")")
        ),
        1 => format!("default kill; allow write({}fd == 1);", "!".repeat(depth)),
        2 => format!(
            "default kill; allow write(fd == {}1{});",
            "-(".repeat(depth),
            close(")")
        ),
        3 => format!(
            "default kill; allow write(fd in {}1{});",
            "{".repeat(depth),
            close("}")
        ),
        4 => format!(
            "default kill; {}{} allow read;",
            "/*".repeat(depth),
            close("*/")
        ),
        _ => format!(
            "default kill; allow write({}fd == 1{});",
            "!(".repeat(depth / 2),
            close(")")
        ),
    };
    root("nesting", text)
}

/// One rule with up to 10,000 targets, some unknown, some groups, some conditions.
fn wide_rule(b: &mut Bytes<'_>) -> Case {
    let n = b.upto(10_000);
    let mut targets = Vec::with_capacity(n);
    let seed = b.byte();
    for i in 0..n {
        let k = (i * 7 + usize::from(seed)) % 13;
        targets.push(match k {
            0 => format!("n{i}"),
            1 => "@default".to_owned(),
            2 => format!("write(fd == {})", i % 100),
            _ => SYSCALLS[k % SYSCALLS.len()].to_owned(),
        });
    }
    let action = b.pick(ACTIONS);
    root(
        "wide rule",
        format!("default kill;\n{action} {};\n", targets.join(", ")),
    )
}

/// A name of up to 300,000 characters where a syscall, constant, group, argument or
/// architecture goes.
fn huge_name(b: &mut Bytes<'_>) -> Case {
    let len = 1 + b.upto(300_000);
    let base = b.pick(&["x", "read", "EPERM", "openat_"]);
    let name: String = base.chars().cycle().take(len).collect();
    let text = match b.byte() % 6 {
        0 => format!("default kill; allow {name};"),
        1 => format!("default kill; errno({name}) read;"),
        2 => format!("default kill; allow @{name};"),
        3 => format!("default kill; allow write({name} == 1);"),
        4 => format!("arch {name}; default kill;"),
        _ => format!("const {name} = 1; default kill; allow write(fd == {name});"),
    };
    root("huge name", text)
}

/// Up to 3,000 groups, each referencing the previous one up to 12 times (exponential:
/// a chain when once).
fn groups(b: &mut Bytes<'_>) -> Case {
    let count = 1 + b.upto(3000);
    let fan = 1 + usize::from(b.byte() % 12);
    let mut text = String::from("default kill;\ngroup @g0 = { read, write(fd == 1) };\n");
    for i in 1..count {
        let refs = vec![format!("@g{}", i - 1); fan].join(", ");
        text.push_str(&format!("group @g{i} = {{ {refs}, openat }};\n"));
    }
    let used = b.upto(count + 1);
    text.push_str(&format!("allow @g{used}, exit_group;\n"));
    root("groups", text)
}

/// Up to 300 files: a chain (each includes the next), a fan (the root includes one file
/// many times, by several spellings), or a cycle.
fn includes(b: &mut Bytes<'_>) -> Case {
    let n = 1 + b.upto(300);
    let mut files = Vec::new();
    match b.byte() % 3 {
        0 => {
            files.push(("policy.sc".to_owned(), "include \"f1.sc\";\n".to_owned()));
            for i in 1..n {
                files.push((
                    format!("f{i}.sc"),
                    format!("include \"f{}.sc\";\nallow read;\n", i + 1),
                ));
            }
            files.push((format!("f{n}.sc"), "default kill;\n".to_owned()));
        }
        1 => {
            let mut root = String::from("default kill;\n");
            for i in 0..n * 20 {
                let dots = "./".repeat(i % 5);
                root.push_str(&format!("include \"{dots}lib.sc\";\n"));
            }
            files.push(("policy.sc".to_owned(), root));
            files.push(("lib.sc".to_owned(), "allow read, write;\n".repeat(50)));
        }
        _ => {
            files.push((
                "policy.sc".to_owned(),
                "default kill;\ninclude \"c1.sc\";\n".to_owned(),
            ));
            for i in 1..=n {
                let next = if i == n { 1 } else { i + 1 };
                files.push((format!("c{i}.sc"), format!("include \"c{next}.sc\";\n")));
            }
        }
    }
    Case {
        shape: "includes",
        files,
        calls: Vec::new(),
    }
}

/// Up to 3,000 rules, a few with conditions.
fn many_rules(b: &mut Bytes<'_>) -> Case {
    let n = b.upto(3000);
    let mut text = String::from("default errno(ENOSYS);\n");
    for i in 0..n {
        let action = b.pick(ACTIONS);
        let sys = SYSCALLS[i % SYSCALLS.len()];
        if i % 50 == 0 {
            text.push_str(&format!("{action} write(fd == {} || fd > 1000);\n", i % 7));
        } else {
            text.push_str(&format!("{action} {sys};\n"));
        }
    }
    root("many rules", text)
}

/// `scc check` calls with parentheses up to 6,000 deep and long argument lists.
fn deep_call(b: &mut Bytes<'_>) -> Case {
    let depth = b.upto(6000);
    let args = b.upto(50);
    let mut case = root(
        "deep call",
        "default kill; allow write(fd == 1);".to_owned(),
    );
    case.calls = vec![
        format!("write({}1{})", "(".repeat(depth), ")".repeat(depth)),
        format!("write({})", vec!["_"; args].join(", ")),
        format!("write(-({}1))", "-(".repeat(depth / 2)),
    ];
    case
}

/// A set of up to 64 values, and a `const` set. (Small: planning the search over a set's
/// intervals is still superlinear, issue 12 point 7; raise this once it is not.)
fn big_set(b: &mut Bytes<'_>) -> Case {
    let n = b.upto(64);
    let values: Vec<String> = (0..n).map(|i| (i * 37 % 4096).to_string()).collect();
    let text = format!(
        "const S = {{{}}};\ndefault kill;\nallow write(fd in S), read(fd not in {{{}}});\n",
        values.join(", "),
        values.join(", ")
    );
    root("big set", text)
}

/// Up to 30,000 constants, each defined from the previous one (a value or a set), the
/// first one maybe unknown.
fn consts(b: &mut Bytes<'_>) -> Case {
    let n = 1 + b.upto(30_000);
    let first = b.pick(VALUES);
    let mut text = format!("default kill;\nconst C0 = {first};\n");
    for i in 1..n {
        text.push_str(&format!("const C{i} = C{} | {};\n", i - 1, i % 8));
    }
    text.push_str(&format!("allow write(fd == C{});\n", b.upto(n)));
    root("constants", text)
}

/// Pieces of the others glued together with random tokens.
fn mixed(b: &mut Bytes<'_>) -> Case {
    let pieces = [
        "default kill;",
        "allow",
        "read",
        "(",
        ")",
        "{",
        "}",
        "!",
        "&&",
        "||",
        "==",
        ",",
        ";",
        "@g",
        "group @g = {read};",
        "const C = 1;",
        "fd",
        "-",
        "in",
        "not",
        "/*",
        "*/",
        "include \"x.sc\";",
        "\"",
        "0x",
        "18446744073709551616",
    ];
    let n = b.upto(4000);
    let mut text = String::new();
    for _ in 0..n {
        text.push_str(b.pick(&pieces));
        text.push(' ');
        if b.byte() % 4 == 0 {
            text.push_str(b.pick(VALUES));
            text.push(' ');
        }
    }
    root("mixed", text)
}
