// Spacing, spelling and parentheses: everything a formatter normalises in code.
arch x86_64,aarch64,;
const   FAMILIES={AF_UNIX,AF_INET,AF_INET6,};
const RW=O_RDWR|O_WRONLY ;
const   MASK = ( O_ACCMODE ) ;
group @stdio={read,write(fd==1||fd==2),fstat};
default   kill_process ;
allow @stdio,exit_group,rt_sigreturn,@default ;
allow socket(domain in FAMILIES&&type&SOCK_CLOEXEC!=0) ;
allow openat(dfd==AT_FDCWD&&flags&MASK==O_RDONLY),close;
errno ( EACCES )openat( flags & RW != 0 ) , open;
allow mmap(prot&PROT_EXEC==0&&(flags&MAP_SHARED==0||fd==-1));
allow mprotect ( prot & ( PROT_EXEC | PROT_WRITE ) != ( PROT_EXEC | PROT_WRITE ) );
allow kill(!pid!=0&&sig==0),tgkill(!(sig in {SIGKILL,SIGSTOP})) ;
errno(0x5)  lseek(whence not in {SEEK_SET,SEEK_CUR,SEEK_END,});
log getdents64 ;trap uname;kill_thread ptrace;trace ( 0o17 )setuid;notify   setgid ;
allow  futex(op&0x7f <= 0b1011 && val >= 0), madvise(behavior == -(-4));
allow ioctl((cmd == TCGETS)), fcntl(((cmd == F_GETFL) || (cmd == F_SETFL)) && arg & (O_NONBLOCK) == O_NONBLOCK);
