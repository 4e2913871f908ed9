// expect: S0001
default kill;
group @g = { read };
allow write(fd in @g);
