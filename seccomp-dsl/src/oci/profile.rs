//! The JSON seccomp profile, as Docker, the OCI runtime spec (`linux.seccomp`), runc,
//! crun and containers/common read it.
//!
//! One type covers the formats: the OCI fields, Docker's additions (`archMap`, `name`,
//! `comment`, `includes`, `excludes`) and containers/common's (`defaultErrno`, `errno`).
//! Fields nobody defines are collected in `unknown` so the importer can point at them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Any JSON value (kept for fields the importer does not know).
pub type Json = serde_json::Value;

/// A whole profile.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_action: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_errno_ret: Option<u64>,
    /// containers/common: the default errno by name (`"ENOSYS"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_errno: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub architectures: Option<Vec<String>>,
    /// Docker: per native architecture, the architectures to add to the filter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arch_map: Option<Vec<ArchMapEntry>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flags: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listener_path: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listener_metadata: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub syscalls: Option<Vec<SyscallRule>>,
    #[serde(flatten, skip_serializing)]
    pub unknown: BTreeMap<String, Json>,
}

/// Docker's `archMap` entry.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct ArchMapEntry {
    pub architecture: String,
    #[serde(default, rename = "subArchitectures")]
    pub sub_architectures: Option<Vec<String>>,
    #[serde(flatten, skip_serializing)]
    pub unknown: BTreeMap<String, Json>,
}

/// One entry of `syscalls`.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SyscallRule {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub names: Option<Vec<String>>,
    /// Docker's old single-name form.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default)]
    pub action: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub errno_ret: Option<u64>,
    /// containers/common: the errno by name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub errno: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub args: Option<Vec<ArgCmp>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub includes: Option<Filter>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub excludes: Option<Filter>,
    #[serde(flatten, skip_serializing)]
    pub unknown: BTreeMap<String, Json>,
}

/// One argument comparison (libseccomp's `struct scmp_arg_cmp`).
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ArgCmp {
    pub index: u32,
    pub value: u64,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub value_two: u64,
    pub op: String,
    #[serde(flatten, skip_serializing)]
    pub unknown: BTreeMap<String, Json>,
}

fn is_zero(v: &u64) -> bool {
    *v == 0
}

/// Docker's `includes`/`excludes`.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Filter {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caps: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arches: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_kernel: Option<String>,
    #[serde(flatten, skip_serializing)]
    pub unknown: BTreeMap<String, Json>,
}

impl Filter {
    pub(crate) fn is_empty(&self) -> bool {
        self.caps.as_ref().is_none_or(Vec::is_empty)
            && self.arches.as_ref().is_none_or(Vec::is_empty)
            && self.min_kernel.as_ref().is_none_or(String::is_empty)
    }
}

impl SyscallRule {
    /// `names`, or the old `name`.
    pub fn all_names(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self.names.iter().flatten().map(String::as_str).collect();
        if let Some(n) = &self.name {
            v.push(n);
        }
        v
    }
}
