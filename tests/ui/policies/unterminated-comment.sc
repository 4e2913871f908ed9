default kill;
allow read, write;
/* exit_group is allowed below
allow exit_group;
