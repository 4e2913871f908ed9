// PID 1 in a container: starts the payload, reaps zombies, forwards signals.
default kill;
allow @default;
allow clone(clone_flags & (CLONE_NEWNS | CLONE_NEWUSER | CLONE_NEWNET) == 0), execve, wait4, waitid;
allow kill(pid != 1), rt_sigaction, rt_sigprocmask, rt_sigtimedwait, signalfd4;
allow prctl(option in {PR_SET_CHILD_SUBREAPER, PR_SET_PDEATHSIG, PR_SET_NAME});
allow setsid, setpgid, ioctl(cmd == TIOCSCTTY && arg == 0), close_range, dup3, read, write;
