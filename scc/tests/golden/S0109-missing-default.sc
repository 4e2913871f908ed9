// S0109: no default action.
allow read, write, exit_group;
