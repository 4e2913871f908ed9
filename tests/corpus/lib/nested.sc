include "process_basics.sc";
group @stdio = { read(fd == 0), write(fd == 1 || fd == 2), fstat };
