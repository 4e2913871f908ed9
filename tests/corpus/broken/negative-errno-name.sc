// expect: S0107
default kill;
errno(-EPERM) read;
