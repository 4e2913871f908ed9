// expect: S0114 (sets-and-negation.sc with a mistake)
// Sets, `not in`, const sets, negation and nested groups of conditions.
default errno(EPERM);
const STD = {0, 1, 2};
const NET = {AF_INET, AF_INET6};
allow read(fd in STD), write(fd in STD), close(fd not in STD);
allow socket(domain in NET && !(type & SOCK_RAW == SOCK_RAW));
allow socket(domain not in NET && domain == AF_UNIX);
allow fcntl(!(cmd in {F_SETOWN, F_SETSIG}) && fd & STD == 0);
allow exit_group, rt_sigreturn, restart_syscall;
