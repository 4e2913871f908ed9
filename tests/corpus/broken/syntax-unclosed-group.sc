// expect: S0001 (dns-resolver.sc with a mistake)
// A caching DNS resolver (unbound-like) serving UDP and TCP on an already bound socket.
arch x86_64, aarch64;
default kill_process;

group @dns_io = {
    recvfrom, recvmsg, recvmmsg,
    sendto(flags & MSG_DONTWAIT == MSG_DONTWAIT || flags == 0),
    sendmsg, sendmmsg
;

allow @default;
allow @dns_io;
allow socket(domain in {AF_INET, AF_INET6} && type & 0xf in {SOCK_DGRAM, SOCK_STREAM});
allow connect, bind, getsockname, setsockopt, getsockopt;
allow epoll_create1(flags == EPOLL_CLOEXEC), epoll_ctl, epoll_pwait;
allow read, write, close, fcntl(cmd in {F_GETFL, F_SETFL, F_GETFD, F_SETFD});
allow getrandom(flags & GRND_RANDOM == 0);
allow mmap, munmap, mprotect(prot & PROT_EXEC == 0), brk;
errno(EACCES) openat;
