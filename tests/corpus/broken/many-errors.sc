// expect: S0101, S0102, S0103, S0104
// Several independent mistakes: all of them are reported at once.
default kill;
allow opnat, reed, write(fdd == 1);
errno(EPRM) mkdir;
allow @stdioo;
