// expect: S0112
default kill;
include "include-self.sc";   // oops: itself
allow read;
