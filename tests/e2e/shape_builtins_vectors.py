# NumPy reference for shape_builtins_vectors.tdl (independent of tdlc).
import numpy as np
from reference import emit
v=np.array([1.,2,3]); m=np.arange(6.).reshape(2,3)
E=lambda x: emit(x,"f32")
E(v@v); E(v); E(m@v); E(np.outer(v,[1.0])); E(m); E(m[None]); E(m[:,:,None]); E(np.flip(m)); E(m); E([0,1,2,0]); emit(np.broadcast_to(np.arange(3),(2,3)),"f64"); emit(np.broadcast_to(np.arange(2)[:,None],(2,3)),"i64"); E(m)
E(np.concatenate([m[0:1],m[1:2]*0],1)[:,0:3]); E(np.dot(m[0],m[1])*v)
