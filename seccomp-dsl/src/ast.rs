//! The syntax tree of one policy file, exactly as written (names unresolved, includes not
//! followed). Every node has the span of its text.

use crate::source::Span;

/// A name as written, with its span.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

/// One parsed file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct File {
    pub items: Vec<Item>,
}

/// A statement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Item {
    /// `arch x86_64, aarch64;`
    Arch { arches: Vec<Ident>, span: Span },
    /// `include "base.sc";`
    Include {
        path: String,
        path_span: Span,
        span: Span,
    },
    /// `const NAME = value;` or `const NAME = {a, b};`
    Const {
        name: Ident,
        value: ConstValue,
        span: Span,
    },
    /// `group @name = { targets };`
    Group {
        name: Ident,
        targets: Vec<Target>,
        span: Span,
    },
    /// `default action;`
    Default { action: Action, span: Span },
    /// `action targets;`
    Rule(Rule),
}

impl Item {
    pub fn span(&self) -> Span {
        match self {
            Item::Arch { span, .. }
            | Item::Include { span, .. }
            | Item::Const { span, .. }
            | Item::Group { span, .. }
            | Item::Default { span, .. } => *span,
            Item::Rule(r) => r.span,
        }
    }
}

/// The right-hand side of a `const`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConstValue {
    Value(Value),
    Set(Set),
}

/// `allow read, write(fd == 1);`
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    pub action: Action,
    pub targets: Vec<Target>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Action {
    pub kind: ActionKind,
    pub span: Span,
}

/// An action as written (`kill` and `kill_process` are kept apart for `scc fmt`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ActionKind {
    Allow,
    Log,
    Kill,
    KillProcess,
    KillThread,
    Trap,
    Errno(Value),
    Trace(Value),
    Notify,
}

/// What a rule applies to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// `@name` (the ident holds the name without `@`; the span covers both).
    Group { name: Ident, span: Span },
    /// `name` or `name(cond)`.
    Syscall {
        name: Ident,
        cond: Option<Cond>,
        span: Span,
    },
}

impl Target {
    pub fn span(&self) -> Span {
        match self {
            Target::Group { span, .. } | Target::Syscall { span, .. } => *span,
        }
    }
}

/// A boolean condition on a syscall's arguments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cond {
    Or(Vec<Cond>, Span),
    And(Vec<Cond>, Span),
    Not(Box<Cond>, Span),
    Cmp(Cmp),
}

impl Cond {
    pub fn span(&self) -> Span {
        match self {
            Cond::Or(_, s) | Cond::And(_, s) | Cond::Not(_, s) => *s,
            Cond::Cmp(c) => c.span,
        }
    }
}

/// `arg & MASK op rhs`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cmp {
    pub arg: Ident,
    pub mask: Option<Value>,
    pub op: CmpOp,
    pub rhs: Rhs,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    NotIn,
}

impl CmpOp {
    pub fn as_str(self) -> &'static str {
        match self {
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
            CmpOp::In => "in",
            CmpOp::NotIn => "not in",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Rhs {
    Value(Value),
    /// A literal set `{...}`.
    Set(Set),
    /// A `const` defined as a set.
    SetName(Ident),
}

/// `{A, B, 3}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Set {
    pub values: Vec<Value>,
    pub span: Span,
}

/// An integer expression: numbers, names, negation and `|`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    Number { value: u64, span: Span },
    Name(Ident),
    Neg(Box<Value>, Span),
    Or(Vec<Value>, Span),
}

impl Value {
    pub fn span(&self) -> Span {
        match self {
            Value::Number { span, .. } | Value::Neg(_, span) | Value::Or(_, span) => *span,
            Value::Name(i) => i.span,
        }
    }
}
