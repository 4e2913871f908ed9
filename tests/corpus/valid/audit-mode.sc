// Audit mode before enforcing: everything is allowed, the unexpected is logged.
default log;
allow @default, @basic_io, @file_system, @memory, @signal, @io_event;
allow clone, execve, wait4;
