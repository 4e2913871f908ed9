// The calls a sandboxed process never needs and an attacker always wants.
kill ptrace, process_vm_readv, process_vm_writev;
errno(EPERM) unshare, setns, keyctl, add_key, request_key, bpf, userfaultfd, perf_event_open;
