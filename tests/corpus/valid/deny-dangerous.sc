// A denylist for a trusted service: everything is allowed but what breaks out.
default allow;
include "../lib/deny_dangerous.sc";
errno(EPERM) mount, umount2, pivot_root, chroot, swapon, swapoff, reboot;
errno(EPERM) init_module, finit_module, delete_module, kexec_load, kexec_file_load;
