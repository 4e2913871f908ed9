//! The parts of `scc` its binary and its tests share: recording a program's system calls
//! ([`recording`]: decoding arguments, merging runs, writing a policy or an OCI profile).
//!
//! The command-line tool itself is the `scc` binary of this package; it parses arguments
//! and calls `seccomp-dsl` (the compiler and its tooling) and `seccomp-rt` (installing
//! filters, user notification).

pub mod recording;
