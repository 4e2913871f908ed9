// S0205: a default that makes programs give up instead of falling back.
default errno(EPERM);
allow @default, read, write;
