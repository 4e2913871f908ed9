// expect: S0109 (ping.sc with a mistake)
// ping: one ICMP socket (datagram or raw), a timer, output on stdout.
allow @default;
allow socket(domain in {AF_INET, AF_INET6} && protocol in {IPPROTO_ICMP, IPPROTO_ICMPV6});
allow setsockopt, getsockopt, sendto, recvmsg, connect, getsockname, poll;
allow write(fd == 1 || fd == 2), setitimer, rt_sigaction(sig == SIGALRM || sig == SIGINT), rt_sigreturn;
allow mmap, munmap, brk;
