// lib/nested.sc itself includes lib/process_basics.sc.
default kill;
include "../lib/nested.sc";
allow @stdio;
