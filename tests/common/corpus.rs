//! The example policies every differential test runs on: the policy files under
//! `examples/policies/`, the policies written inline in the examples' `seccomp_policy!`
//! calls, and Docker's default profile in the language (`../shared/profiles/`).

use std::path::{Path, PathBuf};

use seccomp_dsl::Output;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// The text inside each `seccomp_policy! { ... }` of a Rust source file.
fn inline_policies(rust: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = rust;
    while let Some(at) = rest.find("seccomp_policy! {") {
        let body = &rest[at + "seccomp_policy! {".len()..];
        let mut depth = 1;
        let end = body
            .char_indices()
            .find(|&(_, c)| {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    _ => {}
                }
                depth == 0
            })
            .map(|(i, _)| i)
            .expect("balanced seccomp_policy! body");
        out.push(body[..end].to_owned());
        rest = &body[end..];
    }
    out
}

fn sorted_files(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == ext))
        .collect();
    files.sort();
    files
}

/// Every example policy, compiled, with a name for messages. Panics on a policy with
/// errors: the examples must compile.
pub fn example_policies() -> Vec<(String, Output)> {
    let root = workspace();
    let mut out = Vec::new();
    let mut files = sorted_files(&root.join("examples/policies"), "sc");
    let docker = testkit::shared("profiles/docker-default.x86_64.sc");
    let expected = 4 + usize::from(docker.is_some());
    files.extend(docker);
    for path in files {
        let compiled = seccomp_dsl::compile_file(&path).unwrap();
        out.push((path.display().to_string(), compiled));
    }
    for path in sorted_files(&root.join("examples/src/bin"), "rs") {
        let text = std::fs::read_to_string(&path).unwrap();
        for (i, policy) in inline_policies(&text).into_iter().enumerate() {
            let name = format!("{} (seccomp_policy! #{i})", path.display());
            out.push((name.clone(), seccomp_dsl::compile_str(&name, &policy)));
        }
    }
    for (name, compiled) in &out {
        assert!(
            !compiled.has_errors(),
            "{name}:\n{}",
            compiled.render_diagnostics(false)
        );
    }
    assert!(
        out.len() >= expected,
        "found only {} example policies",
        out.len()
    );
    out
}
