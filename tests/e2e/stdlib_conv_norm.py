# NumPy reference for stdlib_conv_norm.tdl (independent of tdlc).
import numpy as np
from reference import emit, uniform
f=np.float32
x=np.sin(np.arange(32,dtype=f)*f(0.37)).reshape(1,2,4,4).astype(np.float64)
w=np.cos(np.arange(54,dtype=f)*f(0.21)).reshape(3,2,3,3).astype(np.float64)
b=np.array([0.1,-0.2,0.3]); rm=np.array([0.1,-0.1]); rv=np.array([0.5,2.0]); g=np.array([1.5,0.5]); be=np.array([0.0,1.0])
E=lambda v: emit(v,"f32")
E((x-rm[None,:,None,None])/np.sqrt(rv[None,:,None,None]+1e-3)*g[None,:,None,None]+be[None,:,None,None])
E(x.reshape(1,2,2,2,2,2).max(axis=(3,5)))
def conv(x,w,pad):
    xp=np.pad(x,[(0,0),(0,0),(pad,pad),(pad,pad)]); N,C,H,W=xp.shape; O,_,KH,KW=w.shape
    y=np.zeros((N,O,H-KH+1,W-KW+1))
    for i in range(H-KH+1):
        for j in range(W-KW+1):
            y[:,:,i,j]=np.einsum('nchw,ochw->no',xp[:,:,i:i+KH,j:j+KW],w)
    return y
E(conv(x,w,0)+b[None,:,None,None]); y3=conv(x,w,1)+b[None,:,None,None]; E(y3)
E(x.reshape(1,2,2,2,2,2).mean(axis=(3,5))); E(x.mean(axis=(2,3)))
E(0.5*y3*(1+np.tanh(0.7978845608028654*(y3+0.044715*y3**3))))
u=uniform(9,[2,5]); E(np.where(u>=0.25,1/0.75,0))
xs=np.arange(12.).reshape(2,2,3); mu=xs.mean(-1,keepdims=True); v=((xs-mu)**2).mean(-1,keepdims=True)
E(((xs-mu)/np.sqrt(v+1e-5)*np.array([1,2,3.])+np.array([0,0,1.]))[1])
