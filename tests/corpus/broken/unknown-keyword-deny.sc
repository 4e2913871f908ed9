// expect: S0118
default kill;
deny ptrace;
