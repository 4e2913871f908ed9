// expect: S0110
default kill;
include "../lib/dup_default.sc";
allow read;
