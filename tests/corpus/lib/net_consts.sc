const INET = {AF_INET, AF_INET6};
group @net_io = { sendto, recvfrom, sendmsg, recvmsg, shutdown, getsockopt, setsockopt };
