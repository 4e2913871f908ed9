//! How long compiling a policy takes: what `seccomp_policy!` and `#[sandboxed]` add to a
//! build (the proc macro runs this code at opt-level 3, see the workspace's
//! `build-override`).
//!
//! ```text
//! cargo run --release -p seccomp-dsl --example compile_time -- ../shared/profiles/docker-default.x86_64.sc
//! ```

use std::time::Instant;

fn main() {
    let path = std::env::args().nth(1).expect("usage: compile_time POLICY");
    let text = std::fs::read_to_string(&path).expect("read the policy");
    let runs = 20;
    let mut best = f64::INFINITY;
    let mut total = 0.0;
    let mut arches = 0;
    for _ in 0..runs {
        let start = Instant::now();
        let out = seccomp_dsl::compile_str(&path, &text);
        let ms = start.elapsed().as_secs_f64() * 1e3;
        assert!(!out.has_errors(), "{}", out.render_diagnostics(false));
        arches = out.programs.len();
        best = best.min(ms);
        total += ms;
    }
    println!(
        "{path}: parse + check + compile for {arches} arches: best {best:.1} ms, mean {:.1} ms over {runs} runs",
        total / f64::from(runs)
    );
}
