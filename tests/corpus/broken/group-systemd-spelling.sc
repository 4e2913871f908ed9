// expect: S0104 (audit-mode.sc with a mistake)
// Audit mode before enforcing: everything is allowed, the unexpected is logged.
default log;
allow @default, @basic_io, @filesystem, @memory, @signal, @io_event;
allow clone, execve, wait4;
