// No network: every socket family but unix sockets is refused.
default allow;
errno(EAFNOSUPPORT) socket(domain != AF_UNIX), socketpair(domain != AF_UNIX);
errno(EACCES) connect, bind, listen, accept, accept4, sendto, sendmmsg, recvmmsg;
