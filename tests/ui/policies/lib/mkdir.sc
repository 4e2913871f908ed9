// Included by deny-mkdir.sc, relative to it.
errno(EPERM) mkdir, mkdirat;
