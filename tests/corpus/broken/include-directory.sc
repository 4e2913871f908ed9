// expect: S0111
default kill;
include "../lib";
allow read;
