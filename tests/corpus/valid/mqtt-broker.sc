// An MQTT broker: many TCP clients, persistence file, TLS keys loaded at start-up.
default errno(EPERM);
allow @default, @network_io, @io_event, @basic_io;
allow openat(flags & O_ACCMODE == O_WRONLY && flags & O_APPEND != 0), openat(flags & O_ACCMODE == O_RDONLY);
allow fsync, fstat, rename, mmap, munmap, brk;
errno(EACCES) execve;
