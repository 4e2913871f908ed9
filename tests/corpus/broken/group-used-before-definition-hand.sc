// expect: S0104
default kill;
allow @io;
group @io = { read, write };
