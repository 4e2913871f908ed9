// S0104: a misspelt built-in group.
default kill;
allow @defualt, read;
