// The default comes from an included file.
include "../lib/default_kill.sc";
include "../lib/process_basics.sc";
allow read, write;
