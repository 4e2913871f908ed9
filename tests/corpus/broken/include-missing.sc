// expect: S0111 (include-simple.sc with a mistake)
// Shared pieces come from the library directory.
include "../lib/process_basic.sc";
default kill;
allow read, write, close;
