default allow;
errno(EPERM) userfaultfd(flags & UFFD_USER_MODE_ONLY == 0);
errno(ENOSYS) io_uring_setup, io_uring_enter, io_uring_register;
