// No new namespaces, through any door.
default allow;
const NS = CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWCGROUP;
errno(EPERM) unshare, setns, clone(clone_flags & NS != 0);
errno(ENOSYS) clone3;      // its flags are behind a pointer
