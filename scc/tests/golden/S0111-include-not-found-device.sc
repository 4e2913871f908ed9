// S0111: only regular files are included (reading /dev/zero would never end).
include "/dev/zero";
default kill;
allow @default;
