// S0206: a default that kills only the calling thread.
default kill_thread;
allow @default, read, write;
