// expect: S0118 (deny-modules.sc with a mistake)
default allow;
// Loading kernel code kills the process outright.
block init_module, finit_module, delete_module, kexec_load, kexec_file_load, bpf, perf_event_open;
