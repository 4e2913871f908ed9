// expect: S0110 (include-default.sc with a mistake)
// The default comes from an included file.
include "../lib/default_kill.sc";
include "../lib/process_basics.sc";
default errno(EPERM);
allow read, write;
