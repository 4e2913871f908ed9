// S0005: a condition nested deeper than 64 levels (each `!` is one).
default kill;
allow @default;
allow write(!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!(fd == 1));
