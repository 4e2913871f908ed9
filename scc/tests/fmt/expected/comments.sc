/*
 * Comments in every place a comment can go.
 */

// A header paragraph,
// two lines long.
default kill; // deny by default
/* what the process needs */ allow exit_group, rt_sigreturn, restart_syscall;

allow // reading and writing
    read, write(fd == 1 || fd == 2), // stdout and stderr only

    // files: read-only
    openat(flags & O_ACCMODE == O_RDONLY), close; /* and close them */

group @net = { // sockets
    socket(domain == AF_UNIX), /* local only */ connect
    // nothing else
};
allow @net; // the group above
const FDS = {
    0, // stdin
    1, 2
};
allow fstat(fd in FDS), // by descriptor
    newfstatat, /* by path */
    /* inline */ lseek;
// after the last target
errno(EPERM) mkdir; /* block */ /* two */ // and a line
/* nested /* block */ comment */ errno(EPERM) mkdirat;
log getpid;
/* a block
   over lines */ log getppid;
// the end, /* not a block */
