# NumPy reference for shape_builtins.tdl (independent of tdlc).
import numpy as np
from reference import emit
x=np.arange(12,dtype=np.float32).reshape(3,4); y=np.arange(24,dtype=np.float32).reshape(2,3,4)
emit(y.reshape(-1,4)[0:3],"f32"); emit(x.T,"f32"); emit(x.T,"f32"); emit(y.transpose(1,0,2),"f32")
emit(np.broadcast_to(np.array([1,2,3,4.]),(2,3,4)),"f32"); emit(x[None],"f32"); emit(x,"f32"); emit(np.concatenate([x,x*2],axis=-1),"f32")
emit(np.flip(y,2),"f32"); emit(np.pad(x,[(1,1),(2,1)],constant_values=-1),"f32"); emit(np.flip(x),"f32"); emit(np.flip(x,0),"f32"); emit(x.reshape(12),"f32")
emit(np.stack([x,x+100]),"f32"); emit(np.expand_dims(x,1),"f32")
