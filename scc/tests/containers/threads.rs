//! A program whose threads make calls its main thread never makes (`sysinfo`,
//! `getpriority`): recording the container it runs in must see them. Built statically
//! by `tests/containers.rs` (`rustc -C target-feature=+crt-static`), so it runs in a
//! busybox image without a libc.

unsafe extern "C" {
    fn sysinfo(info: *mut u8) -> i32;
    fn getpriority(which: i32, who: u32) -> i32;
}

fn main() {
    let a = std::thread::spawn(|| {
        let mut info = [0u8; 512];
        // SAFETY: a buffer larger than `struct sysinfo`.
        unsafe { sysinfo(info.as_mut_ptr()) }
    });
    // SAFETY: PRIO_PROCESS of the calling process; no pointers.
    let b = std::thread::spawn(|| unsafe { getpriority(0, 0) });
    println!(
        "sysinfo {} getpriority {}",
        a.join().unwrap(),
        b.join().unwrap()
    );
}
