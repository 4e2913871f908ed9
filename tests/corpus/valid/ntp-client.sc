// An NTP client: one UDP socket to the server, then adjusts the clock.
default kill;
allow @default;
allow socket(domain in {AF_INET, AF_INET6} && type & SOCK_DGRAM == SOCK_DGRAM && protocol in {0, IPPROTO_UDP});
allow connect, sendto, recvfrom, recvmsg, poll, close;
allow clock_adjtime(which_clock == CLOCK_REALTIME), adjtimex, clock_settime(which_clock == CLOCK_REALTIME);
allow openat(flags & O_ACCMODE == O_RDONLY), read, write(fd == 2), fstat;
allow mmap, munmap, brk;
