// expect: S0106
default kill;
allow fchmod(mode == 0o777777);
