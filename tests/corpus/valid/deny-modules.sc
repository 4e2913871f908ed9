default allow;
// Loading kernel code kills the process outright.
kill init_module, finit_module, delete_module, kexec_load, kexec_file_load, bpf, perf_event_open;
