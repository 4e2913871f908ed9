// S0108: a trace value wider than 16 bits.
default allow;
trace(70000) execve;
