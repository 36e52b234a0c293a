# NumPy reference for reductions_axes.tdl (independent of tdlc).
import numpy as np
from reference import emit
x=(np.arange(24,dtype=np.float32).reshape(2,3,4)*np.float32(0.5)-np.float32(3.0))
emit(x.sum(),"f32"); emit(x.sum(axis=(0,2)),"f32"); emit(x.mean(axis=1,keepdims=True),"f32"); emit(x.max(axis=(0,1)),"f32")
emit(x.min(axis=(1,2)),"f32"); emit(x.prod(axis=-1),"f32")
xd=x.astype(np.float64); emit(np.log(np.exp(xd).sum(axis=0)),"f32")
emit(np.array([[1,2,3],[4,5,6]]).prod(axis=1),"i32")
emit(np.argmax(np.sin(xd),axis=1),"i64"); emit(np.argmin(np.cos(xd)),"i64"); emit(np.argmax(np.array([[1,9,9],[9,9,1]]),axis=0),"i64")
emit(np.sin(xd).max(axis=(1,2)),"f32"); emit(x.mean(),"f32"); emit(x.sum(axis=(0,2)),"f32")
d=np.array([[1.0,2.0,3.0],[1e-3,1e3,7.0]]); m=d.max(axis=1,keepdims=True); emit((m+np.log(np.exp(d-m).sum(axis=1,keepdims=True)))[:,0],"f64")
