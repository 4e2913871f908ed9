// No identity changes (a no_new_privs complement).
default allow;
errno(EPERM) setuid, setgid, setreuid, setregid, setresuid, setresgid, setfsuid, setfsgid, setgroups, capset;
