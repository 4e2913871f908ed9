// expect: S0106 (sensor-daemon.sc with a mistake)
// Reads an I2C temperature sensor through /dev/i2c-1 (already open as fd 3).
default kill;
allow @default;
allow ioctl(fd == 3 && cmd in {0x0703, 0x1_0000_0720}), read(fd == 3), write(fd == 3);
allow write(fd == 1), clock_nanosleep(which_clock == CLOCK_MONOTONIC), timerfd_create, timerfd_settime, read;
allow sendto, socket(domain == AF_UNIX && type & SOCK_DGRAM != 0), connect;
