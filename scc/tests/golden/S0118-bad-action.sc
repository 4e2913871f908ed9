// S0118: a misspelt action.
default kill;
alow read, write;
