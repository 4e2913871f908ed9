default kill;
include "../lib/memory.sc";
include "../lib/process_basics.sc";
allow @heap, read, write;
