/* Comments in odd places: inside conditions, between words, after commas. */
default /* deny */ kill; // the default
allow /* first */ read, // after a comma
    write /* before a comma */ ,
    openat(flags /* the flags */ & O_ACCMODE == /* read only */ O_RDONLY) /* after */;
const /* name */ FDS /* eq */ = /* set */ { /* open */ 0, 1 /* one */, 2 } /* close */ ;
group @g /**/ = { close, /* nested /* comment */ here */ fstat(fd in FDS) };
allow @ /* space after at */ g;
allow exit_group // no semicolon on this line
;
allow rt_sigreturn, restart_syscall; /* trailing */ // and a line
// last line without a newline at the end of the file