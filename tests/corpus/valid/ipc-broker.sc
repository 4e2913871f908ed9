// Passes sealed memfds between clients over unix sockets.
default kill;
allow @default;
allow memfd_create(flags & MFD_ALLOW_SEALING != 0 && flags & MFD_CLOEXEC != 0);
allow fcntl(cmd in {F_ADD_SEALS, F_GET_SEALS, F_GETFD, F_SETFD}), ftruncate, mmap(flags & MAP_SHARED != 0), munmap;
allow sendmsg(flags & MSG_CMSG_CLOEXEC == 0), recvmsg(flags & MSG_CMSG_CLOEXEC != 0), accept4, epoll_pwait, epoll_ctl;
allow close, read, write;
