// expect: S0121 (groups that each list the previous one ten times)
// Meant as layers of a policy, each group repeats the one below instead of naming it once.
default kill;
group @io0 = { read, write, close };
group @io1 = { @io0, @io0, @io0, @io0, @io0, @io0, @io0, @io0, @io0, @io0 };
group @io2 = { @io1, @io1, @io1, @io1, @io1, @io1, @io1, @io1, @io1, @io1 };
group @io3 = { @io2, @io2, @io2, @io2, @io2, @io2, @io2, @io2, @io2, @io2 };
group @io4 = { @io3, @io3, @io3, @io3, @io3, @io3, @io3, @io3, @io3, @io3 };
group @io5 = { @io4, @io4, @io4, @io4, @io4, @io4, @io4, @io4, @io4, @io4 };
allow @io5, exit_group, rt_sigreturn, restart_syscall;
