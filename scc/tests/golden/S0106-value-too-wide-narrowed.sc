// S0106: `clone_flags` is an unsigned long, but the kernel reads only its low 32 bits
// (lower_32_bits): a value above them could never match what the kernel does.
default allow;
errno(EPERM) clone(clone_flags & 0x1_0000_0000 != 0);
