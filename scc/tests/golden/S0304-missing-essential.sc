// S0304: an allowlist the program cannot exit from.
default kill;
allow read, write;
