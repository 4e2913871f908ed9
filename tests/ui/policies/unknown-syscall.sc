// A policy with a typo on line 4.
default kill;
allow read, write;
allow exit_group, opnat(flags == O_RDONLY);
