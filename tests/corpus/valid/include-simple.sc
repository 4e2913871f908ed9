// Shared pieces come from the library directory.
include "../lib/process_basics.sc";
default kill;
allow read, write, close;
