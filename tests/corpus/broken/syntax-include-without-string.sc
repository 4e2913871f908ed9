// expect: S0001 (include-simple.sc with a mistake)
// Shared pieces come from the library directory.
include ../lib/process_basics.sc;
default kill;
allow read, write, close;
