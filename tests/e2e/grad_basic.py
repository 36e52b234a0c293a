# NumPy reference for grad_basic.tdl (independent of tdlc).
import numpy as np
from reference import emit, numgrad as fd, tolerance
tolerance(1e-6, 1e-8)
def f(x,w,b):
    h=np.tanh(x@w+b); return np.sum(h*h)+np.mean(np.exp(x))*0.5
def g2(x):
    acc=0.0
    for i in range(4):
        acc = acc + x[i]*x[i] if x[i]>0 else acc-np.sin(x[i])
    return acc
def h(x): 
    m=x.max(); return m+np.log(np.exp(x-m).sum())+x.max()+np.sqrt(np.abs(x)+1).sum()+x.prod()
sig=lambda z:1/(1+np.exp(-z))
x=np.array([0.5,-1.0,2.0]); w=np.array([[0.1,-0.2],[0.3,0.4],[-0.5,0.6]]); b=np.array([0.05,-0.1])
emit(fd(f,[x,w,b],1),"f64"); emit(fd(f,[x,w,b],2),"f64"); emit(fd(f,[x,w,b],0),"f64"); emit(fd(f,[x,w,b],0),"f64")
xx=np.array([1.0,-2.0,0.5,-0.1]); emit(g2(xx),"f64"); emit(fd(g2,[xx],0),"f64")
hx=np.array([[0.5,-1.0,2.0],[1.5,-0.3,0.7]]); emit(fd(h,[hx],0),"f64")
y=np.array([1.0,2.0,-3.0]); dy=np.array([[1.0,0.5,-1.0],[2.0,0,1.0]])
emit(fd(lambda a,bb: np.sum(sig(a)*bb*dy),[hx,y],0),"f64"); emit(fd(lambda a,bb: np.sum(sig(a)*bb*dy),[hx,y],1),"f64")
emit(sig(hx)*y,"f64"); eps=1e-6; emit((sig(hx+eps*dy)*y-sig(hx-eps*dy)*y)/(2*eps),"f64")
emit(6*1.5,"f64")
