//! The workload `@rust_std` is derived from (see the README): with `all`, what a Rust
//! program's std runtime does after `main` starts — print to stdout and stderr, allocate
//! and grow 256 MiB, make many small allocations in a `HashMap` (randomly keyed), spawn
//! and join threads that pass messages over a channel, catch a
//! panic, exit; with `empty`, `main` returns at once (the calls of start-up and exit
//! alone).
//!
//! ```sh
//! scc trace -o empty.sc -- target/release/examples/std_workload empty
//! scc trace -o all.sc -- target/release/examples/std_workload all
//! ```
//!
//! The calls `all` makes more often than `empty` are the ones made after `main` starts.

use std::sync::mpsc;

fn main() {
    if std::env::args().nth(1).as_deref() != Some("all") {
        return;
    }
    println!("printing to stdout");
    eprintln!("and to stderr");
    let mut big = vec![1u8; 64 << 20];
    big.resize(256 << 20, 2);
    let mut map = std::collections::HashMap::new();
    for i in 0..200_000u64 {
        map.insert(i.to_string(), i);
    }
    let (tx, rx) = mpsc::channel();
    let workers: Vec<_> = (0..4u64)
        .map(|i| {
            let tx = tx.clone();
            std::thread::spawn(move || {
                let v: Vec<u64> = (0..100_000).map(|x| x * i).collect();
                tx.send(v.iter().sum::<u64>()).unwrap();
            })
        })
        .collect();
    drop(tx);
    for w in workers {
        w.join().unwrap();
    }
    let total: u64 = rx.iter().sum();
    let caught = std::panic::catch_unwind(|| panic!("a caught panic"));
    assert!(caught.is_err());
    assert_eq!(total, 6 * 4_999_950_000);
    assert_eq!(big[(256 << 20) - 1], 2);
    assert_eq!(map["4242"], 4242);
    println!("done");
}
