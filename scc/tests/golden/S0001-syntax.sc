// S0001: a rule without its semicolon.
default kill;
allow read, write
allow exit_group;
