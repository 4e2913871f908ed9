// S0003: a block comment that is never closed.
default kill;
/* allow the usual, but
allow read, write;
