// The same file included twice is spliced once (like #pragma once).
default kill;
include "../lib/process_basics.sc";
include "../lib/process_basics.sc";
allow read;
