// Used by ui/pass: everything is allowed but creating directories.
default allow;
include "lib/mkdir.sc";
