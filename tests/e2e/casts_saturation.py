# NumPy reference for casts_saturation.tdl (independent of tdlc).
import numpy as np, math
from reference import emit
def sat(x,lo,hi):
    if x!=x: return 0
    return max(lo,min(hi,int(x)))
f=[np.float32(v) for v in [-200.7,200.7,-128.9,127.9,float('nan'),-0.5]]
emit([sat(float(v),-128,127) for v in f],"i8")
emit([sat(v,-2**63,2**63-1) for v in [1e300,-1e300,9.3e18,-9.3e18]],"i64")
emit(np.array([1e300,-1e300,3.4028235677973366e38]).astype(np.float32),"f32")
def wrap(v,bits):
    m=1<<bits; return ((v+m//2)%m)-m//2
emit([wrap(v,32) for v in [4294967296+5,-4294967296-7,2147483648]],"i32")
emit([1,0,1],"i8"); emit(0.1,"f64"); emit(0.0,"f32"); emit(6,"i32"); emit(-2**63,"i64"); emit(0.5,"f32")
emit(np.array([16777217,16777219,33554435]).astype(np.float32),"f32")
# shl: amount >= width gives 0 (docs/ir.md)
emit([wrap(1<<31,32),0,0,-16],"i32"); emit([-1,-4,0,1],"i32")
emit([0,-1,1],"i64")
emit([True,False,True,False],"bool")
nan=float('nan'); emit([nan,nan,nan,2],"f32"); emit([nan,2,nan,4],"f32")
emit([2**31-1,-2**31,255],"i32"); emit(44,"i8")
