# NumPy reference for loops_break_continue.tdl (independent of tdlc).
import numpy as np
from reference import emit
def collatz(n):
    s=0
    while n!=1:
        n = n//2 if n%2==0 else 3*n+1; s+=1
    return s
emit(collatz(27),"i64"); emit([-1,0,1],"i32"); emit([0,1,0,9,0],"f32")
emit(sum(i*10+j for i in range(4) for j in range(i,4)),"i64"); emit([0,5,6,9],"f32"); emit(3+4+5+6,"i64")
