// Every comparison operator on 32-bit and 64-bit arguments.
default allow;
errno(1) lseek(fd == 100);
errno(2) lseek(fd != 100 && whence > SEEK_END);
errno(3) lseek(offset < 0);
errno(4) lseek(offset >= 0x7fff_ffff_ffff_0000);
errno(5) mmap(length > 0x1_0000_0000);
errno(6) mmap(length <= 0 && addr != 0);
errno(7) ftruncate(length >= 0x8000_0000_0000_0000);
errno(8) pread64(pos > 0xffff_ffff);
