// A DHCP client: raw packet socket, then configures the interface through netlink.
default kill;
allow @default;
allow socket(domain == AF_PACKET && type & 0xf == SOCK_RAW || domain == AF_NETLINK && protocol == NETLINK_ROUTE || domain == AF_INET && type & 0xf == SOCK_DGRAM);
allow bind, sendto, recvfrom, sendmsg, recvmsg, setsockopt, getsockopt, close;
allow ioctl(cmd in {SIOCGIFINDEX, SIOCGIFFLAGS, SIOCSIFFLAGS, SIOCGIFHWADDR});
allow poll, ppoll, clock_gettime, getrandom, read, write, openat, fstat, mmap, munmap, brk;
