// expect: S0001
default kill read;
