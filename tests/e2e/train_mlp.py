# NumPy reference for train_mlp.tdl (independent of tdlc).
import numpy as np
from reference import emit, normal, uniform, tolerance
tolerance(2e-4, 1e-5)   # 20 steps of f32 training: rounding differences accumulate
f=np.float32
w1=normal(1,[4,8]).astype(f)*f(0.5); b1=np.zeros(8,f); w2=normal(2,[8,3]).astype(f)*f(0.5); b2=np.zeros(3,f)
x=uniform(3,[16,4],lo=-1.0,hi=1.0).astype(f); y=np.argmax(x[:,0:3],axis=1)
P=[w1,b1,w2,b2]; M=[np.zeros_like(v) for v in P]; losses=[]
for step in range(20):
    w1,b1,w2,b2=P
    z1=x@w1+b1; h=np.tanh(z1); z=h@w2+b2
    zm=z-z.max(1,keepdims=True); lse=np.log(np.exp(zm).sum(1,keepdims=True)); lp=zm-lse
    losses.append(-lp[np.arange(16),y].mean())
    dz=np.exp(lp); dz[np.arange(16),y]-=1; dz/=16
    gw2=h.T@dz; gb2=dz.sum(0); dh=dz@w2.T; dz1=dh*(1-h*h); gw1=x.T@dz1; gb1=dz1.sum(0)
    G=[gw1,gb1,gw2,gb2]
    M=[m*f(0.9)+g for m,g in zip(M,G)]
    P=[p-f(0.5)*m for p,m in zip(P,M)]
emit(losses,"f32")
for v in P: emit(v,"f32")
w1,b1,w2,b2=P; z=np.tanh(x@w1+b1)@w2+b2
emit(np.mean(np.argmax(z,1)==y),"f32")
