// A worker thread pool where a misbehaving worker thread dies alone.
default kill_thread;
allow @default, @basic_io, @memory;
allow recvfrom, sendto;
kill_process execve, ptrace;
