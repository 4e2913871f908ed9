// expect: S0102 (rust-program.sc with a mistake)
// A Rust program after main: std's runtime plus writing to stdout.
default kill;
allow @rust_std;
allow write, fstat, sched_yield (fd == 1);
