default allow;
include "../lib/deny_dangerous.sc";
errno(EPERM) mount;
