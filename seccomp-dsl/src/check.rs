//! AST → checked [`Policy`]: includes spliced, names resolved per architecture, values
//! evaluated and range-checked against each argument's width.
//!
//! Every mistake is collected (not just the first), and a mistake seen on several
//! architectures is reported once.

use std::collections::{HashMap, HashSet};

use crate::ast::{self, ActionKind, CmpOp, ConstValue, Ident, Item, Rhs};
use crate::diag::{Code, Diagnostic, did_you_mean};
use crate::groups::{BUILTIN_GROUPS, builtin_group};
use crate::parse::{MAX_NESTING, parse, too_deep};
use crate::policy::{Action, ArchPolicy, Expr, Origin, Policy, Rule, Test, TestOp};
use crate::source::{FileId, SourceMap, Span};
use crate::tables::{Arch, ArgDef, SyscallDef};

/// A file read for an `include`.
#[derive(Clone, Debug)]
pub struct Loaded {
    /// How the file is named in messages.
    pub name: String,
    /// Identity for cycle detection and include-once (a canonical path).
    pub key: String,
    pub text: String,
}

/// Reads included files. The library does no I/O of its own: `scc` uses [`FsLoader`], the
/// proc-macro a loader rooted at `CARGO_MANIFEST_DIR`.
pub trait Loader {
    /// Reads `path` as written in an `include` of the file named `from`.
    fn load(&mut self, from: &str, path: &str) -> Result<Loaded, String>;

    /// The identity ([`Loaded::key`]) of the root file named `name`, so that an include of
    /// the root file is recognised as a cycle. By default the name itself.
    fn key(&mut self, name: &str) -> String {
        name.to_owned()
    }
}

/// Resolves includes relative to the including file's directory on the file system.
#[derive(Clone, Copy, Debug, Default)]
pub struct FsLoader;

impl Loader for FsLoader {
    fn load(&mut self, from: &str, path: &str) -> Result<Loaded, String> {
        let base = std::path::Path::new(from)
            .parent()
            .unwrap_or(std::path::Path::new(""));
        // Read the path as joined (the kernel resolves `..` after symlinks); show it
        // normalised.
        let p = base.join(path);
        let text =
            crate::source::read_policy_file(&p).map_err(|e| format!("{}: {e}", p.display()))?;
        let key = std::fs::canonicalize(&p).unwrap_or_else(|_| p.clone());
        Ok(Loaded {
            name: normalize(&p).display().to_string(),
            key: key.display().to_string(),
            text,
        })
    }

    fn key(&mut self, name: &str) -> String {
        std::fs::canonicalize(name).map_or_else(|_| name.to_owned(), |p| p.display().to_string())
    }
}

/// `a/b/../c` → `a/c`, lexically, so messages name included files the way a user would.
/// (Identity uses canonical paths; this is only for display.)
pub(crate) fn normalize(p: &std::path::Path) -> std::path::PathBuf {
    use std::path::Component;
    let mut out = std::path::PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir
                if matches!(out.components().next_back(), Some(Component::Normal(_))) =>
            {
                out.pop();
            }
            c => out.push(c),
        }
    }
    out
}

/// A loader for sources without includes (an `include` is an error).
#[derive(Clone, Copy, Debug, Default)]
pub struct NoLoader;

impl Loader for NoLoader {
    fn load(&mut self, _from: &str, _path: &str) -> Result<Loaded, String> {
        Err("includes are not available here".into())
    }
}

/// The result of checking: the policy if there were no errors, every diagnostic, and the
/// parsed files (root first, then includes in the order met) for lints and `scc fmt`.
#[derive(Debug)]
pub struct Checked {
    pub policy: Option<Policy>,
    pub diagnostics: Vec<Diagnostic>,
    pub files: Vec<(FileId, ast::File)>,
    /// What each name used as a value stood for, per architecture (sorted by span).
    pub values: Vec<NameValue>,
}

/// The value a name written in the policy stood for on one architecture (`EPERM` → 1, a
/// `const` → its value), so that a tool showing a rule can show what its names meant
/// (`scc check`: `errno(DENY) openat;  where DENY = 1`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NameValue {
    pub arch: Arch,
    /// The name where it is used.
    pub span: Span,
    pub value: i128,
}

impl Checked {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Parses the root file `root` of `sources`, follows its includes through `loader`, and
/// checks the whole policy.
pub fn check(sources: &mut SourceMap, root: FileId, loader: &mut dyn Loader) -> Checked {
    let mut diags = Vec::new();
    let mut files = Vec::new();
    let text = sources.file(root).text.clone();
    let Some(ast) = parse(root, &text, &mut diags) else {
        return Checked {
            policy: None,
            diagnostics: diags,
            files,
            values: Vec::new(),
        };
    };
    let mut items = Vec::new();
    let mut flat = Flattener {
        sources,
        loader,
        diags: &mut diags,
        stack: Vec::new(),
        seen: HashSet::new(),
        read: 0,
        files: &mut files,
    };
    let root_name = flat.sources.file(root).name.clone();
    let root_key = flat.loader.key(&root_name);
    flat.stack.push((root_key.clone(), root_name));
    flat.seen.insert(root_key);
    flat.splice(root, &ast, &mut items);
    files.insert(0, (root, ast));

    let arches = target_arches(&items, root, &mut diags);
    let default = find_default(&items, root, &mut diags);

    let mut per_arch: Vec<(Arch, Vec<Diagnostic>, Option<ArchPolicy>)> = Vec::new();
    let mut values = Vec::new();
    for &arch in &arches {
        let mut l = Lowerer::new(arch, &items);
        let policy = l.lower(default);
        l.values.sort_unstable_by_key(|&(span, _)| span);
        l.values.dedup();
        values.extend(
            l.values
                .iter()
                .map(|&(span, value)| NameValue { arch, span, value }),
        );
        per_arch.push((arch, l.diags, policy));
    }
    diags.extend(merge_arch_diags(
        &arches,
        per_arch.iter().map(|(a, d, _)| (*a, d.clone())).collect(),
    ));
    diags.sort_by_key(|d| (d.span().map(|s| (s.file, s.start)), d.code));
    let failed = diags.iter().any(Diagnostic::is_error);
    let policy = if failed {
        None
    } else {
        Some(Policy {
            arches: per_arch.into_iter().filter_map(|(_, _, p)| p).collect(),
        })
    };
    Checked {
        policy,
        diagnostics: diags,
        files,
        values,
    }
}

/// Convenience: checks a policy held in a string, without includes.
pub fn check_str(name: &str, text: &str) -> (SourceMap, Checked) {
    let mut sources = SourceMap::new();
    let root = sources.add(name, text);
    let checked = check(&mut sources, root, &mut NoLoader);
    (sources, checked)
}

/// Splices includes in place, depth first.
struct Flattener<'a> {
    sources: &'a mut SourceMap,
    loader: &'a mut dyn Loader,
    diags: &'a mut Vec<Diagnostic>,
    /// Keys and names of the files being included, outermost first.
    stack: Vec<(String, String)>,
    /// Keys of every file included so far (include-once).
    seen: HashSet<String>,
    /// Bytes read for includes so far, against [`MAX_INCLUDED_BYTES`].
    read: u64,
    files: &'a mut Vec<(FileId, ast::File)>,
}

/// The most bytes read for the `include`s of one policy, together (each file is also at
/// most [`crate::source::MAX_FILE_BYTES`]). Reading counts even for a file included
/// before (it is read to learn its identity), so that a million includes of one file
/// cannot cost a million reads of it.
pub const MAX_INCLUDED_BYTES: u64 = 4 * crate::source::MAX_FILE_BYTES;

impl Flattener<'_> {
    fn splice(&mut self, file: FileId, ast: &ast::File, out: &mut Vec<Item>) {
        for item in &ast.items {
            let Item::Include {
                path, path_span, ..
            } = item
            else {
                out.push(item.clone());
                continue;
            };
            if self.stack.len() > MAX_NESTING {
                self.diags.push(too_deep(*path_span, "`include`").help(
                    "include the shared files from the top-level policy instead of from each other",
                ));
                continue;
            }
            let unreadable = |why: String| {
                Diagnostic::new(
                    Code::IncludeNotFound,
                    format!("cannot read included file `{path}`"),
                )
                .at(*path_span, "included here")
                .note(why)
            };
            if self.read > MAX_INCLUDED_BYTES {
                // Reported once, at the include that went past the limit.
                continue;
            }
            let from = self.sources.file(file).name.clone();
            let loaded = match self.loader.load(&from, path) {
                Ok(l) => l,
                Err(e) => {
                    self.diags.push(unreadable(e).help(
                        "include paths are relative to the directory of the file that includes them",
                    ));
                    continue;
                }
            };
            self.read += loaded.text.len() as u64;
            if self.read > MAX_INCLUDED_BYTES {
                self.diags.push(
                    unreadable(format!(
                        "the included files would be more than {} MiB together",
                        MAX_INCLUDED_BYTES >> 20
                    ))
                    .help("include each file once; a policy is rarely more than a few KiB"),
                );
                continue;
            }
            if let Some(pos) = self.stack.iter().position(|(k, _)| *k == loaded.key) {
                let chain: Vec<&str> = self.stack[pos..]
                    .iter()
                    .map(|(_, name)| name.as_str())
                    .chain([self.stack[pos].1.as_str()])
                    .collect();
                let through: Vec<String> = self.stack[pos + 1..]
                    .iter()
                    .map(|(_, name)| format!("`{name}`"))
                    .collect();
                let message = if through.is_empty() {
                    format!("`{}` includes itself", self.stack[pos].1)
                } else {
                    format!(
                        "`{}` includes itself through {}",
                        self.stack[pos].1,
                        through.join(" and ")
                    )
                };
                self.diags.push(
                    Diagnostic::new(Code::IncludeCycle, message)
                        .at(*path_span, "this include closes a cycle")
                        .note(format!("include chain: {}", chain.join(" -> ")))
                        .help("remove this include: include each shared file once, from the top-level policy"),
                );
                continue;
            }
            if self.seen.contains(&loaded.key) {
                // Included before from elsewhere: like `#pragma once`, splice it only once.
                continue;
            }
            self.seen.insert(loaded.key.clone());
            let id = self.sources.add(loaded.name, loaded.text);
            let text = self.sources.file(id).text.clone();
            let Some(sub) = parse(id, &text, self.diags) else {
                continue;
            };
            self.stack
                .push((loaded.key, self.sources.file(id).name.clone()));
            self.splice(id, &sub, out);
            self.stack.pop();
            self.files.push((id, sub));
        }
    }
}

fn target_arches(items: &[Item], root: FileId, diags: &mut Vec<Diagnostic>) -> Vec<Arch> {
    let mut first: Option<Span> = None;
    let mut arches = Vec::new();
    for item in items {
        let Item::Arch {
            arches: names,
            span,
        } = item
        else {
            continue;
        };
        if span.file != root {
            diags.push(
                Diagnostic::new(Code::DuplicateArch, "`arch` in an included file")
                    .at(*span, "only the root policy may choose architectures")
                    .help("move this statement to the top-level policy file"),
            );
            continue;
        }
        if let Some(f) = first {
            diags.push(
                Diagnostic::new(Code::DuplicateArch, "second `arch` statement")
                    .at(*span, "duplicate")
                    .with_secondary(f, "first `arch` here")
                    .help("list every architecture in one `arch` statement"),
            );
            continue;
        }
        first = Some(*span);
        for n in names {
            match Arch::from_name(&n.name) {
                Some(a) if arches.contains(&a) => diags.push(
                    Diagnostic::new(Code::DuplicateArch, format!("`{}` is listed twice", n.name))
                        .at(n.span, "duplicate"),
                ),
                Some(a) => arches.push(a),
                None => {
                    let mut d = Diagnostic::new(
                        Code::UnknownArch,
                        format!("unknown architecture `{}`", n.name),
                    )
                    .at(n.span, "not a supported architecture");
                    if let Some(s) = did_you_mean(&n.name, Arch::ALL.iter().map(|a| a.name())) {
                        d = d.suggest(n.span, s, format!("did you mean `{s}`?"));
                    } else {
                        d = d.help(format!(
                            "supported architectures: {}",
                            Arch::ALL
                                .iter()
                                .map(|a| a.name())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ));
                    }
                    diags.push(d);
                }
            }
        }
    }
    if first.is_none() {
        arches = Arch::ALL.to_vec();
    }
    arches
}

fn find_default<'a>(
    items: &'a [Item],
    root: FileId,
    diags: &mut Vec<Diagnostic>,
) -> Option<(&'a ast::Action, Span)> {
    let mut found: Option<(&ast::Action, Span)> = None;
    for item in items {
        let Item::Default { action, span } = item else {
            continue;
        };
        if let Some((_, first)) = found {
            diags.push(
                Diagnostic::new(Code::DuplicateDefault, "the default action is set twice")
                    .at(*span, "second `default`")
                    .with_secondary(first, "first set here")
                    .help("a policy has exactly one `default`; remove one of them"),
            );
        } else {
            found = Some((action, *span));
        }
    }
    if found.is_none() {
        let at = Span::new(root, 0, 0);
        diags.push(
            Diagnostic::new(Code::MissingDefault, "the policy has no default action")
                .at(at, "")
                .note("the default decides every syscall that no rule matches")
                .suggest(
                    at,
                    "default kill;\n",
                    "for an allowlist, add a default that denies everything else",
                ),
        );
    }
    found
}

/// Merges per-architecture diagnostics: identical ones once, and a note on those that
/// only some architectures produced.
pub(crate) fn merge_arch_diags(
    arches: &[Arch],
    per_arch: Vec<(Arch, Vec<Diagnostic>)>,
) -> Vec<Diagnostic> {
    let mut merged: Vec<(Diagnostic, Vec<Arch>)> = Vec::new();
    // Hashed, not searched: a policy can have a hundred thousand diagnostics.
    let mut index: HashMap<Diagnostic, usize> = HashMap::new();
    for (arch, diags) in per_arch {
        for d in diags {
            if let Some(&i) = index.get(&d) {
                let archs = &mut merged[i].1;
                if !archs.contains(&arch) {
                    archs.push(arch);
                }
            } else {
                index.insert(d.clone(), merged.len());
                merged.push((d, vec![arch]));
            }
        }
    }
    merged
        .into_iter()
        .map(|(d, archs)| {
            if archs.len() < arches.len() {
                let names: Vec<&str> = archs.iter().map(|a| a.name()).collect();
                d.note(format!("on {}", names.join(", ")))
            } else {
                d
            }
        })
        .collect()
}

/// A `const` value after evaluation for one architecture.
#[derive(Clone, Debug)]
enum ConstVal {
    Value(i128),
    Set(Vec<i128>),
}

/// Lowers the flattened items for one architecture.
struct Lowerer<'a> {
    arch: Arch,
    items: &'a [Item],
    diags: Vec<Diagnostic>,
    /// Syscalls named by targets that this arch does not have (see [`ArchPolicy::absent`]).
    absent: Vec<(&'static str, Span)>,
    /// `const`s by name: (item index, definition), in definition order.
    consts: HashMap<&'a str, Vec<(usize, &'a Ident, &'a ConstValue)>>,
    /// Memoised const values by item index (`None`: evaluation failed).
    const_memo: HashMap<usize, Option<ConstVal>>,
    /// User groups by name: (item index, targets).
    groups: HashMap<&'a str, Vec<GroupDef<'a>>>,
    /// Each user group's members, by the group's item index, expanded once (see
    /// [`Expansion`]).
    expansions: HashMap<usize, Expansion<'a>>,
    /// Group members spliced into rules so far, against [`MAX_GROUP_TARGETS`].
    expanded: usize,
    /// "Did you mean" searches left (each scans thousands of names).
    suggestions: usize,
    /// Names used as values and what they stood for (see [`NameValue`]).
    values: Vec<(Span, i128)>,
    /// Each evaluated constant's own diagnostics and the constants it was defined from,
    /// until a rule uses it (see [`Lowerer::evaluate_consts`]).
    const_diags: HashMap<usize, (Vec<Diagnostic>, Vec<usize>)>,
    /// While evaluating the constants in order: the constants the current one uses.
    prewarming: Option<Vec<usize>>,
}

/// The most syscall targets all `@group` references of a policy may expand to, together.
/// A group may reference earlier groups several times, so a few hundred bytes can
/// describe billions of targets (`@g2 = {@g1, @g1, ...}`, `@g3 = {@g2, @g2, ...}`): the
/// expansions are shared (each group is expanded once, as a list of references), their
/// sizes counted, and a rule is expanded only if the total stays within this bound.
/// Every syscall of an architecture is about 400 targets.
pub const MAX_GROUP_TARGETS: usize = 10_000;

/// The most "did you mean" suggestions computed per architecture: each compares a name
/// with thousands of candidates, so a policy with a hundred thousand unknown names would
/// otherwise take minutes. Later unknown names are reported without one.
const MAX_SUGGESTIONS: usize = 100;

/// A user group definition: (item index, name, targets).
type GroupDef<'a> = (usize, &'a Ident, &'a [ast::Target]);

/// A user group's members, computed once per definition: syscall targets written in it,
/// built-in groups, and references to earlier groups' expansions (not copies of them).
struct Expansion<'a> {
    pieces: Vec<Piece<'a>>,
    /// How many syscall targets the group expands to (saturating).
    size: usize,
}

/// One member of an [`Expansion`].
enum Piece<'a> {
    /// A syscall target written in the group (`at` is the group's item index).
    Target(FlatTarget<'a>),
    /// The members of a built-in group on this architecture.
    Builtin(&'static crate::groups::BuiltinGroup, Span),
    /// Another user group's expansion, by item index.
    Group(usize),
}

/// A syscall target after group expansion.
#[derive(Clone, Copy)]
struct FlatTarget<'a> {
    name: &'a str,
    name_span: Span,
    cond: Option<&'a ast::Cond>,
    /// Position the condition's names are resolved at (the group's definition, or the rule).
    at: usize,
    target_span: Span,
    group: Option<Span>,
    /// From a built-in group: a member missing everywhere is a bug, not the user's.
    builtin: bool,
}

impl<'a> FlatTarget<'a> {
    /// A syscall target as written at item `at` (`None` for a group reference).
    fn written(t: &'a ast::Target, at: usize) -> Option<FlatTarget<'a>> {
        let ast::Target::Syscall { name, cond, span } = t else {
            return None;
        };
        Some(FlatTarget {
            name: &name.name,
            name_span: name.span,
            cond: cond.as_ref(),
            at,
            target_span: *span,
            group: None,
            builtin: false,
        })
    }
}

impl<'a> Lowerer<'a> {
    fn new(arch: Arch, items: &'a [Item]) -> Self {
        let mut l = Lowerer {
            arch,
            items,
            diags: Vec::new(),
            absent: Vec::new(),
            consts: HashMap::new(),
            const_memo: HashMap::new(),
            groups: HashMap::new(),
            expansions: HashMap::new(),
            expanded: 0,
            suggestions: MAX_SUGGESTIONS,
            values: Vec::new(),
            const_diags: HashMap::new(),
            prewarming: None,
        };
        l.collect_definitions();
        l.evaluate_consts();
        l.expand_groups();
        l
    }

    /// A "did you mean" among `candidates`, while the budget lasts.
    fn suggest<'c>(
        &mut self,
        name: &str,
        candidates: impl IntoIterator<Item = &'c str>,
    ) -> Option<&'c str> {
        self.suggestions = self.suggestions.checked_sub(1)?;
        did_you_mean(name, candidates)
    }

    /// Records `const`s and `group`s, reporting duplicates.
    fn collect_definitions(&mut self) {
        for (i, item) in self.items.iter().enumerate() {
            match item {
                Item::Const { name, value, .. } => {
                    self.kernel_constant_redefined(name);
                    let defs = self.consts.entry(&name.name).or_default();
                    if let Some((_, first, _)) = defs.first() {
                        self.diags.push(
                            Diagnostic::new(
                                Code::DuplicateDefinition,
                                format!("constant `{}` is defined twice", name.name),
                            )
                            .at(name.span, "redefined here")
                            .with_secondary(first.span, "first defined here")
                            .help("rename one of them, or remove the one you do not mean"),
                        );
                    }
                    defs.push((i, name, value));
                }
                Item::Group { name, targets, .. } => {
                    if builtin_group(&name.name).is_some() {
                        self.diags.push(
                            Diagnostic::new(
                                Code::DuplicateDefinition,
                                format!("`@{}` is a built-in group", name.name),
                            )
                            .at(name.span, "shadows the built-in group")
                            .help("choose another name; built-in groups cannot be redefined"),
                        );
                    }
                    let defs = self.groups.entry(&name.name).or_default();
                    if let Some((_, first, _)) = defs.first() {
                        self.diags.push(
                            Diagnostic::new(
                                Code::DuplicateDefinition,
                                format!("group `@{}` is defined twice", name.name),
                            )
                            .at(name.span, "redefined here")
                            .with_secondary(first.span, "first defined here")
                            .help("rename one of them, or merge their targets into one group"),
                        );
                    }
                    defs.push((i, name, targets));
                }
                _ => {}
            }
        }
    }

    /// Refuses a `const` named like a kernel constant (`const EPERM = 0;`): it would
    /// silently change what the name means in every later rule, included files too
    /// (`errno(EPERM)` turning into `errno(0)`, a call that "succeeds" without running).
    /// An error rather than a warning because no policy needs it (any other name works)
    /// and a warning can be missed while the filter quietly does something else.
    fn kernel_constant_redefined(&mut self, name: &Ident) {
        let values: Vec<(Arch, i64)> = Arch::ALL
            .iter()
            .filter_map(|&a| Some((a, a.constant(&name.name)?)))
            .collect();
        let Some(&(_, first)) = values.first() else {
            return;
        };
        let values = if values.iter().all(|&(_, v)| v == first) {
            first.to_string()
        } else {
            let each: Vec<String> = values.iter().map(|(a, v)| format!("{v} on {a}")).collect();
            each.join(", ")
        };
        self.diags.push(
            Diagnostic::new(
                Code::DuplicateDefinition,
                format!("`{}` is a kernel constant", name.name),
            )
            .at(name.span, "would redefine the kernel's constant")
            .note(format!("the kernel's `{}` is {values}", name.name))
            .help(format!(
                "choose another name (e.g. `MY_{}`); kernel constants cannot be redefined",
                name.name
            )),
        );
    }

    /// Expands every user group once, in definition order (a group sees only earlier
    /// ones, so their expansions are ready), reporting unknown groups in definitions.
    fn expand_groups(&mut self) {
        let defs: Vec<(usize, &'a [ast::Target])> = self
            .groups
            .values()
            .flatten()
            .map(|&(i, _, targets)| (i, targets))
            .collect::<std::collections::BTreeMap<_, _>>()
            .into_iter()
            .collect();
        for (at, targets) in defs {
            let mut pieces = Vec::with_capacity(targets.len());
            let mut size = 0usize;
            for t in targets {
                let piece = match t {
                    ast::Target::Syscall { .. } => {
                        Piece::Target(FlatTarget::written(t, at).expect("a syscall target"))
                    }
                    ast::Target::Group { name, span } => {
                        match self.resolve_group(name, *span, at) {
                            Some(p) => p,
                            None => continue,
                        }
                    }
                };
                size = size.saturating_add(self.piece_size(&piece));
                pieces.push(piece);
            }
            self.expansions.insert(at, Expansion { pieces, size });
        }
    }

    fn piece_size(&self, p: &Piece<'_>) -> usize {
        match p {
            Piece::Target(_) => 1,
            Piece::Builtin(g, _) => g
                .members
                .iter()
                .filter(|m| self.arch.syscall(m).is_some())
                .count(),
            Piece::Group(i) => self.expansions.get(i).map_or(0, |e| e.size),
        }
    }

    /// `@name` seen from item `at`: an earlier user group, else a built-in one; `None`
    /// after reporting an unknown group.
    fn resolve_group(&mut self, name: &Ident, span: Span, at: usize) -> Option<Piece<'a>> {
        if let Some((def_at, _)) = self.visible_group(&name.name, at) {
            return Some(Piece::Group(def_at));
        }
        if let Some(g) = builtin_group(&name.name) {
            return Some(Piece::Builtin(g, span));
        }
        let user: Vec<&str> = self.groups.keys().copied().collect();
        let mut d = Diagnostic::new(
            Code::UnknownGroup,
            format!("unknown group `@{}`", name.name),
        )
        .at(span, "no such group");
        if let Some(s) = self.suggest(
            &name.name,
            user.iter()
                .copied()
                .chain(BUILTIN_GROUPS.iter().map(|g| g.name)),
        ) {
            d = d.suggest(name.span, s, format!("did you mean `@{s}`?"));
        } else {
            d = d.help(format!(
                "built-in groups: {}",
                BUILTIN_GROUPS
                    .iter()
                    .map(|g| format!("@{}", g.name))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        if self
            .groups
            .get(name.name.as_str())
            .is_some_and(|d| d.iter().all(|(i, _, _)| *i > at))
        {
            d = d.note("the group is defined later in the policy; define it before its first use");
        }
        self.diags.push(d);
        None
    }

    fn lower(&mut self, default: Option<(&ast::Action, Span)>) -> Option<ArchPolicy> {
        let default_action = default.and_then(|(a, _)| self.action(a));
        let mut rules = Vec::new();
        for (i, item) in self.items.iter().enumerate() {
            let Item::Rule(rule) = item else { continue };
            let action = self.action(&rule.action);
            let mut flat = Vec::new();
            self.expand_targets(&rule.targets, i, &mut flat);
            for t in flat {
                let Some(sys) = self.syscall(t.name, t.name_span, t.builtin) else {
                    continue;
                };
                let cond = match t.cond {
                    None => None,
                    Some(c) => match self.cond(c, sys, t.at) {
                        Some(e) => Some(e),
                        None => continue,
                    },
                };
                if let Some(action) = action {
                    rules.push(Rule {
                        syscall: sys,
                        cond,
                        action,
                        origin: Origin {
                            stmt: rule.span,
                            target: t.target_span,
                            group: t.group,
                        },
                    });
                }
            }
        }
        let (default, span) = (default_action?, default?.1);
        Some(ArchPolicy {
            arch: self.arch,
            default,
            default_span: span,
            rules,
            absent: std::mem::take(&mut self.absent),
        })
    }

    /// The syscall targets of a rule at item `at`, groups expanded (iteratively, through
    /// the shared [`Expansion`]s), within [`MAX_GROUP_TARGETS`].
    fn expand_targets(
        &mut self,
        targets: &'a [ast::Target],
        at: usize,
        out: &mut Vec<FlatTarget<'a>>,
    ) {
        for t in targets {
            let ast::Target::Group { name, span } = t else {
                out.extend(FlatTarget::written(t, at));
                continue;
            };
            let Some(piece) = self.resolve_group(name, *span, at) else {
                continue;
            };
            let size = self.piece_size(&piece);
            if self.expanded.saturating_add(size) > MAX_GROUP_TARGETS {
                self.diags.push(
                    Diagnostic::new(
                        Code::ExpansionTooLarge,
                        format!("groups expand to more than {MAX_GROUP_TARGETS} syscall targets"),
                    )
                    .at(*span, format!("`@{}` expands to {} targets{}", name.name, size, if self.expanded > 0 { format!(", after {} before it", self.expanded) } else { String::new() }))
                    .note("a group that lists another one several times holds its targets that many times over")
                    .help("list each group once: `@a, @a` is `@a`, and a group of groups needs each member group once"),
                );
                // Report each rule once, not each reference.
                self.expanded = MAX_GROUP_TARGETS.saturating_add(1);
                continue;
            }
            self.expanded += size;
            let group = Some(*span);
            // Depth-first over the shared expansions, with an explicit stack: a chain of
            // ten thousand groups must not recurse ten thousand times.
            let mut stack: Vec<std::slice::Iter<'_, Piece<'a>>> = Vec::new();
            let root = [piece];
            stack.push(root.iter());
            while let Some(top) = stack.last_mut() {
                let Some(p) = top.next() else {
                    stack.pop();
                    continue;
                };
                match p {
                    Piece::Target(f) => out.push(FlatTarget { group, ..*f }),
                    Piece::Builtin(g, span) => {
                        for m in g.members {
                            // Built-in members are plain names; resolve them against the table.
                            if let Some(sys) = self.arch.syscall(m) {
                                out.push(FlatTarget {
                                    name: sys.name,
                                    name_span: *span,
                                    cond: None,
                                    at,
                                    target_span: *span,
                                    group,
                                    builtin: true,
                                });
                            }
                        }
                    }
                    Piece::Group(i) => {
                        if let Some(e) = self.expansions.get(i) {
                            stack.push(e.pieces.iter());
                        }
                    }
                }
            }
        }
    }

    fn visible_group(&self, name: &str, at: usize) -> Option<(usize, &'a [ast::Target])> {
        self.groups
            .get(name)?
            .iter()
            .rev()
            .find(|(i, _, _)| *i < at)
            .map(|(i, _, t)| (*i, *t))
    }

    /// Resolves a syscall name on this architecture. `None` both for errors and for
    /// syscalls that exist only on other architectures (skipped silently here).
    fn syscall(&mut self, name: &str, span: Span, builtin: bool) -> Option<&'static SyscallDef> {
        if let Some(s) = self.arch.syscall(name) {
            return Some(s);
        }
        if let Some(other) = Arch::ALL.iter().find_map(|a| a.syscall(name)) {
            if !builtin && !self.absent.iter().any(|&(_, s)| s == span) {
                self.absent.push((other.name, span));
            }
            return None;
        }
        if builtin {
            return None;
        }
        let mut d = Diagnostic::new(Code::UnknownSyscall, format!("unknown syscall `{name}`"))
            .at(span, "not a syscall on any supported architecture");
        let all = Arch::ALL
            .iter()
            .flat_map(|a| a.syscalls().iter().map(|s| s.name));
        if let Some(s) = self.suggest(name, all) {
            d = d.suggest(span, s, format!("did you mean `{s}`?"));
        }
        self.diags.push(d);
        None
    }

    fn action(&mut self, a: &ast::Action) -> Option<Action> {
        Some(match &a.kind {
            ActionKind::Allow => Action::Allow,
            ActionKind::Log => Action::Log,
            ActionKind::Kill | ActionKind::KillProcess => Action::KillProcess,
            ActionKind::KillThread => Action::KillThread,
            ActionKind::Trap => Action::Trap,
            ActionKind::Notify => Action::Notify,
            ActionKind::Errno(v) => {
                let n = self.value(v, usize::MAX)?;
                if !(0..=4095).contains(&n) {
                    self.diags.push(
                        Diagnostic::new(Code::BadErrno, format!("errno value {n} is out of range"))
                            .at(v.span(), "must be in 0..=4095")
                            .help("use an errno name such as `EPERM`, `EACCES` or `ENOSYS`"),
                    );
                    return None;
                }
                Action::Errno(n as u16)
            }
            ActionKind::Trace(v) => {
                let n = self.value(v, usize::MAX)?;
                if !(0..=0xffff).contains(&n) {
                    self.diags.push(
                        Diagnostic::new(Code::BadTrace, format!("trace value {n} is out of range"))
                            .at(v.span(), "must be in 0..=65535")
                            .help("the tracer reads the value with PTRACE_GETEVENTMSG: give one that fits in 16 bits"),
                    );
                    return None;
                }
                Action::Trace(n as u16)
            }
        })
    }

    /// Lowers a condition for one syscall; `None` after reporting an error.
    fn cond(&mut self, c: &ast::Cond, sys: &'static SyscallDef, at: usize) -> Option<Expr> {
        match c {
            ast::Cond::Or(v, _) | ast::Cond::And(v, _) => {
                let mut parts = Vec::new();
                let mut ok = true;
                for c in v {
                    match self.cond(c, sys, at) {
                        Some(e) => parts.push(e),
                        None => ok = false,
                    }
                }
                ok.then_some(if matches!(c, ast::Cond::Or(..)) {
                    Expr::Or(parts)
                } else {
                    Expr::And(parts)
                })
            }
            ast::Cond::Not(e, _) => Some(Expr::Not(Box::new(self.cond(e, sys, at)?))),
            ast::Cond::Cmp(cmp) => self.cmp(cmp, sys, at),
        }
    }

    fn cmp(&mut self, cmp: &ast::Cmp, sys: &'static SyscallDef, at: usize) -> Option<Expr> {
        let (index, arg) = self.arg(&cmp.arg, sys)?;
        let width = arg.width;
        let mut mask = width.mask();
        let mut ok = true;
        if let Some(m) = &cmp.mask {
            match self
                .value(m, at)
                .and_then(|v| self.fit(v, m.span(), &cmp.arg, arg))
            {
                Some(bits) => mask &= bits,
                None => ok = false,
            }
        }
        let op = match (&cmp.rhs, cmp.op) {
            (Rhs::Value(v), op) => {
                if let ast::Value::Name(id) = v {
                    if self.is_set_const(&id.name, at) {
                        self.set_as_value(cmp, id);
                        return None;
                    }
                }
                let bits = self
                    .value(v, at)
                    .and_then(|n| self.fit(n, v.span(), &cmp.arg, arg));
                let bits = bits?;
                match op {
                    CmpOp::Eq => TestOp::Eq(bits),
                    CmpOp::Ne => TestOp::Ne(bits),
                    CmpOp::Lt => TestOp::Lt(bits),
                    CmpOp::Le => TestOp::Le(bits),
                    CmpOp::Gt => TestOp::Gt(bits),
                    CmpOp::Ge => TestOp::Ge(bits),
                    CmpOp::In | CmpOp::NotIn => unreachable!("grammar: `in` takes a set"),
                }
            }
            (Rhs::Set(set), _) => {
                let mut vals = Vec::new();
                for v in &set.values {
                    match self
                        .value(v, at)
                        .and_then(|n| self.fit(n, v.span(), &cmp.arg, arg))
                    {
                        Some(b) => vals.push(b),
                        None => ok = false,
                    }
                }
                vals.sort_unstable();
                vals.dedup();
                TestOp::In(vals)
            }
            (Rhs::SetName(name), _) => {
                let vals = self.set_const(name, at)?;
                let mut bits = Vec::new();
                for n in vals {
                    match self.fit(n, name.span, &cmp.arg, arg) {
                        Some(b) => bits.push(b),
                        None => ok = false,
                    }
                }
                bits.sort_unstable();
                bits.dedup();
                TestOp::In(bits)
            }
        };
        if !ok {
            return None;
        }
        let test = Expr::Test(Test {
            arg: index as u8,
            width,
            mask,
            op,
            span: cmp.span,
        });
        Some(if cmp.op == CmpOp::NotIn {
            Expr::Not(Box::new(test))
        } else {
            test
        })
    }

    fn arg(&mut self, name: &Ident, sys: &'static SyscallDef) -> Option<(usize, &'static ArgDef)> {
        if let Some(found) = sys.arg(&name.name) {
            return Some(found);
        }
        if !sys.implemented {
            self.diags.push(
                Diagnostic::new(
                    Code::NoPrototype,
                    format!("`{}` is not implemented on {}", sys.name, self.arch),
                )
                .at(name.span, "its arguments are unknown")
                .help(format!("use `{}` without a condition", sys.name)),
            );
            return None;
        }
        let list = sys
            .args
            .iter()
            .map(|a| a.name)
            .collect::<Vec<_>>()
            .join(", ");
        if let Some(i) = crate::tables::positional_arg(&name.name) {
            self.diags.push(
                Diagnostic::new(
                    Code::ArgOutOfRange,
                    format!("`{}` has no argument {i}", sys.name),
                )
                .at(
                    name.span,
                    format!(
                        "`{}` takes {} argument{}",
                        sys.name,
                        sys.args.len(),
                        if sys.args.len() == 1 { "" } else { "s" }
                    ),
                )
                .note(format!("{}({list})", sys.name))
                .help(if sys.args.is_empty() {
                    format!("use `{}` without a condition", sys.name)
                } else if sys.args.len() == 1 {
                    format!("name its argument `{list}`, or use `arg0`")
                } else {
                    format!(
                        "name one of its arguments ({list}), or use `arg0`..`arg{}`",
                        sys.args.len() - 1
                    )
                }),
            );
            return None;
        }
        let mut d = Diagnostic::new(
            Code::UnknownArg,
            format!("`{}` has no argument named `{}`", sys.name, name.name),
        )
        .at(name.span, "unknown argument")
        .note(format!("the arguments are: {}({list})", sys.name));
        let cands = sys
            .args
            .iter()
            .flat_map(|a| std::iter::once(a.name).chain(a.alias));
        if let Some(s) = self.suggest(&name.name, cands) {
            d = d.suggest(name.span, s, format!("did you mean `{s}`?"));
        } else {
            d = d.help(format!(
                "name one of them, or use `arg0`..`arg{}`",
                sys.args.len().saturating_sub(1)
            ));
        }
        self.diags.push(d);
        None
    }

    /// Checks that `v` fits the argument and returns its bit pattern at the argument's width.
    fn fit(&mut self, v: i128, span: Span, name: &Ident, arg: &ArgDef) -> Option<u64> {
        let bits = arg.width.bits();
        let min = -(1i128 << (bits - 1));
        let max = (1i128 << bits) - 1;
        if v < min || v > max {
            let size = if arg.narrowed.is_empty() {
                format!("({bits} bits)")
            } else {
                format!("narrowed to {bits} bits")
            };
            let mut d = Diagnostic::new(Code::ValueTooWide, format!("value does not fit argument `{}`", name.name))
                .at(span, format!("`{}` is {} {size}; this value needs more", name.name, arg.ty))
                .note(format!("the kernel reads only the low {bits} bits of `{}`: values must be in {min}..={max}", name.name));
            if let Some(site) = arg.narrowed_at() {
                d = d.note(format!(
                    "the kernel narrows `{}` to {bits} bits before using it: {site}",
                    name.name
                ));
            }
            self.diags.push(d.help(format!("compare `{}` with a value in that range, or check that you meant this argument and this constant", name.name)));
            return None;
        }
        Some((v as u64) & arg.width.mask())
    }

    /// Evaluates a value expression as seen from item `at`.
    fn value(&mut self, v: &ast::Value, at: usize) -> Option<i128> {
        match v {
            ast::Value::Number { value, .. } => Some(i128::from(*value)),
            ast::Value::Neg(v, _) => self.value(v, at).map(|n| -n),
            ast::Value::Or(vs, span) => {
                let mut bits = 0u64;
                let mut negative = false;
                let mut ok = true;
                for t in vs {
                    match self.value(t, at) {
                        Some(n) if n < i128::from(i64::MIN) || n > i128::from(u64::MAX) => {
                            self.diags.push(
                                Diagnostic::new(Code::BadNumber, "value does not fit in 64 bits")
                                    .at(t.span(), ""),
                            );
                            ok = false;
                        }
                        Some(n) => {
                            negative |= n < 0;
                            bits |= n as u64;
                        }
                        None => ok = false,
                    }
                }
                let _ = span;
                ok.then(|| {
                    if negative {
                        i128::from(bits as i64)
                    } else {
                        i128::from(bits)
                    }
                })
            }
            ast::Value::Name(id) => match self.const_lookup(id, at)? {
                ConstVal::Value(n) => {
                    self.values.push((id.span, n));
                    Some(n)
                }
                ConstVal::Set(_) => {
                    self.diags.push(
                        Diagnostic::new(
                            Code::SetExpected,
                            format!("`{}` is a set, not a value", id.name),
                        )
                        .at(id.span, "expected a single value")
                        .help(format!("to test membership write `arg in {}`", id.name)),
                    );
                    None
                }
            },
        }
    }

    /// Whether `name`, seen from item `at`, is a `const` defined as a set.
    fn is_set_const(&self, name: &str, at: usize) -> bool {
        self.consts
            .get(name)
            .and_then(|defs| defs.iter().rev().find(|(i, _, _)| *i < at))
            .is_some_and(|(_, _, v)| matches!(v, ConstValue::Set(_)))
    }

    /// Reports a set compared as a value (`fd == STDIO`), with the membership test meant.
    fn set_as_value(&mut self, cmp: &ast::Cmp, set: &Ident) {
        let arg = &cmp.arg.name;
        let help = match (cmp.op, &cmp.mask) {
            (CmpOp::Eq, None) => format!("to test membership, write `{arg} in {}`", set.name),
            (CmpOp::Ne, None) => format!("to test membership, write `{arg} not in {}`", set.name),
            (CmpOp::Eq, Some(_)) => format!(
                "to test membership, write `in {}` instead of `==`",
                set.name
            ),
            (CmpOp::Ne, Some(_)) => format!(
                "to test membership, write `not in {}` instead of `!=`",
                set.name
            ),
            _ => "`<`, `<=`, `>` and `>=` compare with a single value".to_owned(),
        };
        self.diags.push(
            Diagnostic::new(
                Code::SetExpected,
                format!("`{}` is a set, not a value", set.name),
            )
            .at(set.span, "expected a single value")
            .help(help),
        );
    }

    fn set_const(&mut self, id: &Ident, at: usize) -> Option<Vec<i128>> {
        match self.const_lookup(id, at)? {
            ConstVal::Set(v) => Some(v),
            ConstVal::Value(_) => {
                self.diags.push(
                    Diagnostic::new(
                        Code::SetExpected,
                        format!("`{}` is a value, not a set", id.name),
                    )
                    .at(id.span, "expected a set")
                    .help(format!("write `in {{{}}}`, or compare with `==`", id.name)),
                );
                None
            }
        }
    }

    /// The value of the `const` defined at item `i`.
    fn eval_const(&mut self, i: usize, value: &ConstValue) -> Option<ConstVal> {
        match value {
            ConstValue::Value(v) => self.value(v, i).map(ConstVal::Value),
            ConstValue::Set(s) => {
                let mut out = Vec::new();
                let mut ok = true;
                for v in &s.values {
                    match self.value(v, i) {
                        Some(n) => out.push(n),
                        None => ok = false,
                    }
                }
                ok.then_some(ConstVal::Set(out))
            }
        }
    }

    /// Evaluates every `const` in definition order, so that a chain of constants each
    /// defined by the previous one (`const C2 = C1;` ... forty thousand times) is
    /// evaluated one step at a time, never by recursing down the chain. A constant's
    /// diagnostics are kept and reported when a rule first uses it (or a constant
    /// defined from it), as if it had been evaluated then: an unused constant is not
    /// an error on an architecture it does not concern.
    fn evaluate_consts(&mut self) {
        let mut defs: Vec<(usize, &'a ConstValue)> = self
            .consts
            .values()
            .flatten()
            .map(|&(i, _, v)| (i, v))
            .collect();
        defs.sort_unstable_by_key(|&(i, _)| i);
        for (i, value) in defs {
            let outer = std::mem::take(&mut self.diags);
            self.prewarming = Some(Vec::new());
            let v = self.eval_const(i, value);
            let deps = self.prewarming.take().unwrap_or_default();
            let own = std::mem::replace(&mut self.diags, outer);
            self.const_memo.insert(i, v);
            self.const_diags.insert(i, (own, deps));
        }
    }

    /// Reports the kept diagnostics of the constant at item `i` and of those it is
    /// defined from, once each.
    fn emit_const_diags(&mut self, i: usize) {
        let mut stack = vec![i];
        while let Some(j) = stack.pop() {
            if let Some((own, deps)) = self.const_diags.remove(&j) {
                self.diags.extend(own);
                stack.extend(deps);
            }
        }
    }

    /// A name as a const (visible at `at`) or a kernel constant of this architecture.
    fn const_lookup(&mut self, id: &Ident, at: usize) -> Option<ConstVal> {
        let visible = self
            .consts
            .get(id.name.as_str())
            .and_then(|defs| defs.iter().rev().find(|(i, _, _)| *i < at).copied());
        if let Some((i, _, value)) = visible {
            if let Some(v) = self.const_memo.get(&i).cloned() {
                match &mut self.prewarming {
                    Some(deps) => deps.push(i),
                    None => self.emit_const_diags(i),
                }
                return v;
            }
            let v = self.eval_const(i, value);
            self.const_memo.insert(i, v.clone());
            return v;
        }
        if let Some(v) = self.arch.constant(&id.name) {
            return Some(ConstVal::Value(i128::from(v)));
        }
        let elsewhere: Vec<&str> = Arch::ALL
            .iter()
            .filter(|a| a.constant(&id.name).is_some())
            .map(|a| a.name())
            .collect();
        if !elsewhere.is_empty() {
            self.diags.push(
                Diagnostic::new(
                    Code::ConstantValueMismatch,
                    format!("`{}` does not exist on {}", id.name, self.arch),
                )
                .at(id.span, format!("only defined on {}", elsewhere.join(", ")))
                .help(format!(
                    "build for {} only with `arch {};`, or write the number {} should compare with",
                    elsewhere.join(" and "),
                    elsewhere.join(", "),
                    self.arch
                )),
            );
            return None;
        }
        let mut d = Diagnostic::new(
            Code::UnknownConstant,
            format!("unknown constant `{}`", id.name),
        )
        .at(id.span, "not defined");
        let later = self
            .consts
            .get(id.name.as_str())
            .is_some_and(|defs| defs.iter().all(|(i, _, _)| *i >= at));
        if later {
            d = d.note("a `const` with this name is defined later; constants must be defined before they are used");
        } else {
            let user: Vec<&str> = self.consts.keys().copied().collect();
            let kernel = Arch::ALL
                .iter()
                .flat_map(|a| a.constants().iter().map(|c| c.name));
            if let Some(s) = self.suggest(&id.name, user.iter().copied().chain(kernel)) {
                d = d.suggest(id.span, s, format!("did you mean `{s}`?"));
            }
        }
        self.diags.push(d);
        None
    }
}
