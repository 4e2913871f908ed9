// expect: S0111 (include-memory.sc with a mistake)
default kill;
include "lib/memory.sc";
include "../lib/process_basics.sc";
allow @heap, read, write;
