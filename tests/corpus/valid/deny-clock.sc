// Nobody changes the time.
default allow;
errno(EPERM) settimeofday, clock_settime, adjtimex, clock_adjtime(which_clock == CLOCK_REALTIME);
