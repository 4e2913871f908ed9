//! The proc-macros of `seccomp-rt`: use them through that crate, which re-exports them
//! and provides the types the expansion refers to.
//!
//! This file is a shim; the work is in `expand`, written against `proc-macro2` so it
//! can be tested without a compiler.

mod expand;
mod render;

use proc_macro::TokenStream;

/// Compiles a policy at build time into a `seccomp_rt::Filter` for the target
/// architecture.
///
/// ```ignore
/// static FILTER: seccomp_rt::Filter = seccomp_rt::seccomp_policy! {
///     default kill;
///     allow write(fd == 1), exit_group;
/// };
/// ```
///
/// The policy language is documented in the README. Mistakes are compile errors at the
/// offending token, with the same message and suggestion as `scc lint`. `include
/// "file.sc"` is resolved relative to `CARGO_MANIFEST_DIR`.
#[proc_macro]
pub fn seccomp_policy(input: TokenStream) -> TokenStream {
    expand::policy_macro(input.into()).into()
}

/// Installs a seccomp filter before the function's body runs, with TSYNC (every thread).
///
/// ```ignore
/// #[seccomp_rt::sandboxed("policy.sc")]
/// fn main() { /* runs sandboxed */ }
///
/// #[seccomp_rt::sandboxed(policy = "policy.sc", on_error = "panic")]
/// fn worker() {}
///
/// #[seccomp_rt::sandboxed { default kill; allow write(fd == 1), exit_group; }]
/// fn tiny() {}
/// ```
///
/// The file is relative to `CARGO_MANIFEST_DIR`, compiled when the crate is, and
/// tracked, so editing it (or a file it includes) rebuilds the crate. If installing fails
/// the process aborts (`on_error = "abort"`, the default) rather than run unsandboxed;
/// `"panic"` panics instead and `"ignore"` carries on.
#[proc_macro_attribute]
pub fn sandboxed(attr: TokenStream, item: TokenStream) -> TokenStream {
    expand::sandboxed(attr.into(), item.into()).into()
}
