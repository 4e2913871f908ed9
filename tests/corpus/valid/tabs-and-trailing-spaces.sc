	default kill;   
	allow read,	write,		exit_group;  



	allow rt_sigreturn ,restart_syscall ;	// tabbed
