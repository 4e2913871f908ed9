// Writing to stdout and stderr only.
allow write(fd == 1 || fd == 2), fstat;
