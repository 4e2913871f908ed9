// expect: S0001
default kill;
allow write(fd =! 1);
