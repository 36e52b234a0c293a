# NumPy reference for indexing_updates.tdl (independent of tdlc).
import numpy as np
from reference import emit
x=np.arange(12,dtype=np.float32).reshape(3,4)
y=x.copy(); y[2,:]=[-1,-2,-3,-4]; y[0:2,1:3]=9
z=x.copy()
for i in range(3):
    z[i,i]=100; z[i]=z[i]*2
E=lambda v: emit(v,"f32")
E(x[-1,-1]); E(x[1]); E(x[:,2]); E(x[1:,-2:]); E(x[5:,:]); E(x[:,3:1]); E(x[-1:]); E(x[2]); E(y); E(z); E(x[1,2]); E(x); E(x[1,1:3])
