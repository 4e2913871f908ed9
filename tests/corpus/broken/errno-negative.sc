// expect: S0107 (deny-setuid.sc with a mistake)
// No identity changes (a no_new_privs complement).
default allow;
errno(-1) setuid, setgid, setreuid, setregid, setresuid, setresgid, setfsuid, setfsgid, setgroups, capset;
