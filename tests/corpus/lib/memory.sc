// Heap and anonymous mappings; never writable and executable at once.
group @heap = {
    brk, munmap, mremap, madvise,
    mmap(prot & (PROT_WRITE | PROT_EXEC) != (PROT_WRITE | PROT_EXEC)),
    mprotect(prot & PROT_EXEC == 0)
};
