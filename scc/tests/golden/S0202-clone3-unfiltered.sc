// S0202: clone checked by its flags, clone3 allowed outright.
default kill;
allow @default;
allow clone(clone_flags & CLONE_NEWUSER == 0), clone3;
