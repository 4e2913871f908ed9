// A Rust program after main: std's runtime plus writing to stdout.
default kill;
allow @rust_std;
allow write(fd == 1 || fd == 2), fstat, sched_yield;
