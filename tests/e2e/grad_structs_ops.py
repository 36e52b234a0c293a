# NumPy reference for grad_structs_ops.tdl (independent of tdlc).
import numpy as np
from reference import emit, numgrad, tolerance
tolerance(1e-6, 1e-8)
E=lambda v: emit(v,"f64")
def loss(w,b,s0,s1,x):
    h=np.tanh(x@w+b)*s0+s1; return np.mean(h*h)
w=np.array([[0.3,-0.7],[1.1,0.4]]); b=np.array([0.1,-0.2]); s0=np.array(1.3); s1=np.array([0.5,-0.25])
x=np.array([[0.5,-1.0],[2.0,0.3],[-0.4,0.9]])
for i in range(5): E(numgrad(loss,[w,b,s0,s1,x],i))
def wl(x):
    y=x.copy()
    for n in range(3): y=np.sin(y)*1.5+x
    return np.sum(y*y)
E(numgrad(wl,[np.array([0.3,-0.6,1.1])],0))
def dyn(x):
    return sum(x[i%4]*x[(i+1)%4] for i in range(6))
E(numgrad(dyn,[np.array([1.0,2.0,-3.0,0.5])],0))
def upd(x):
    y=x.copy(); y[1]=y[0]*y[2]; y[2:4]=np.exp(y[0:2]); return np.sum(y*x)
E(numgrad(upd,[np.array([0.5,-1.0,2.0,0.3])],0))
def lse(z,axis):
    m=z.max(axis=axis,keepdims=True); return (m+np.log(np.exp(z-m).sum(axis=axis,keepdims=True))).squeeze(axis)
def shapes(x):
    a=np.concatenate([x,np.flip(x,1)],0); bb=np.pad(a.T,[(1,0),(0,2)],constant_values=1.0)
    c=bb.reshape(2,12)@np.broadcast_to(np.array([0.5,1.5,-1.0]),(12,3))@np.array([[1.0],[2.0],[3.0]])
    d=np.stack([x,x*x],2)
    return np.sum(c*c)+np.prod(x)+np.sum(d[:,0,:]*3)+lse(x,1)[1]
xs=np.array([[0.5,-1.2,2.0],[1.5,-0.3,0.7]])
E(numgrad(shapes,[xs],0))
def reds(x):
    return x.max(1).sum()+(x.min(0)*[1,2,3]).sum()+(x.mean(0)*x[0]).sum()+np.sum((np.abs(x)+1)**x)
E(numgrad(reds,[xs],0))
def conv2d(x,w,stride,pad):
    N,C,H,W=x.shape; O,_,KH,KW=w.shape
    xp=np.pad(x,[(0,0),(0,0),(pad,pad),(pad,pad)])
    OH=(H+2*pad-KH)//stride+1; OW=(W+2*pad-KW)//stride+1
    y=np.zeros((N,O,OH,OW))
    for i in range(OH):
        for j in range(OW):
            patch=xp[:,:,i*stride:i*stride+KH,j*stride:j*stride+KW]
            y[:,:,i,j]=np.einsum('nchw,ochw->no',patch,w)
    return y
def pool(x,k,s,pad,fn):
    xp=np.pad(x,[(0,0),(0,0),(pad,pad),(pad,pad)])
    H=(x.shape[2]+2*pad-k)//s+1; W=(x.shape[3]+2*pad-k)//s+1
    y=np.zeros(x.shape[:2]+(H,W))
    for i in range(H):
        for j in range(W):
            y[:,:,i,j]=fn(xp[:,:,i*s:i*s+k,j*s:j*s+k],axis=(2,3))
    return y
def conv(x,w):
    y=conv2d(x,w,2,1); m=pool(x,2,1,0,np.max); a=pool(x,3,2,1,np.sum)/9
    return np.sum(y*y)+np.sum(m*m)+np.sum(a**3)
cx=np.sin(np.arange(50)*0.7).reshape(1,2,5,5); cw=np.cos(np.arange(54)*0.3).reshape(3,2,3,3)
E(numgrad(conv,[cx,cw],0)); E(numgrad(conv,[cx,cw],1))
def sel(x,y):
    sig=1/(1+np.exp(-x))
    return np.sum(np.where(x>y,x*y,x-y)+np.clip(x,-0.5,0.5)*y+np.maximum(x,y)*2+np.minimum(x,0)+np.sqrt(np.abs(y))+1/np.sqrt(y*y+1)+np.log(sig)+np.cos(x)*np.maximum(y,0))
sx=np.array([0.3,-0.8,1.2,2.0]); sy=np.array([0.5,0.9,-1.1,1.5])
E(numgrad(sel,[sx,sy],0)); E(numgrad(sel,[sx,sy],1))
