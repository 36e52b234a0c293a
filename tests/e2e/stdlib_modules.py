# NumPy reference for stdlib_modules.tdl (independent of tdlc).
import numpy as np
from reference import emit
f=np.float32
x=np.array([[0.5,-1.25,2.0],[-0.3,0.0,1.7]]); t=np.array([[0.2,0.3,0.5],[1.0,0,0]]); labels=np.array([2,0])
w=np.array([[0.1,0.2,-0.3,0.4],[0.5,-0.6,0.7,0.8],[-0.9,1.0,1.1,-1.2]]); b=np.array([0.01,0.02,0.03,0.04])
g=np.array([1.0,2.0,0.5]); be=np.array([0.1,-0.1,0.0]); sq=np.array([[1,2,3],[4,5,6],[7,8,9.5]])
def softmax(z,axis=-1):
    e=np.exp(z-z.max(axis=axis,keepdims=True)); return e/e.sum(axis=axis,keepdims=True)
def log_softmax(z,axis=-1): return np.log(softmax(z,axis))
sig=lambda z:1/(1+np.exp(-z))
E=lambda v: emit(v,"f32")
E(np.maximum(x,0)); E(0.5*x*(1+np.tanh(np.sqrt(2/np.pi)*(x+0.044715*x**3)))); E(x*sig(x)); E(np.where(x>0,x,0.01*x)); E(np.where(x>0,x,0.2*x))
E(softmax(x)); E(log_softmax(x,0))
lp=log_softmax(x,1); E(-np.mean(lp[np.arange(2),labels])); E(-np.sum(lp*t)/2); E(np.mean((x-t)**2)); E(x@w+b); E(softmax(x,0))
mu=x.mean(-1,keepdims=True); v=((x-mu)**2).mean(-1,keepdims=True); E((x-mu)/np.sqrt(v+1e-5)*g+be)
E(np.mean(np.argmax(x,1)==labels))
E(x*x); E(np.abs(x).sum()); E(np.sqrt((x*x).sum())); E(np.abs(x).max()); E(x.mean()); E(x.var()); E(x.std()); E(np.log(np.exp(x).sum())); E(np.log1p(np.exp(x)))
E(g@be/(np.linalg.norm(g)*np.linalg.norm(be))); E(np.trace(sq)); E(x/np.sqrt((x*x).sum(-1,keepdims=True))); E(x+(t-x)*0.25)
E(x-0.1*t); E(x-0.1*(t+1e-4*x)); v2=0.9*(t*0.5)+t; E(x-0.1*v2); E(v2)
m=t*0.1; vv=t*t; m2=0.9*m+0.1*t; v2=0.999*vv+0.001*t*t; mh=m2/(1-0.9**3); vh=v2/(1-0.999**3); E(x-1e-3*mh/(np.sqrt(vh)+1e-8)); E(m2)
n=np.sqrt((x*x).sum()); E(x*min(1.0/n,1))
q=np.clip(np.round(x*16),-128,127); emit(q,"i8"); E(q/16)
def req(a,s): return np.clip((a+(1<<(s-1) if s>0 else 0))>>s,-128,127)
emit(req(np.array([1000,-1000,95]),4),"i8")
qa=np.array([[10,-20,30],[40,50,-60]])
emit(req(qa[:,0:2]@qa[:,1:3],2),"i8"); emit(req(qa[:,0:2]@np.array([[3,-3],[7,1]]),0),"i8"); emit(np.maximum(qa,0),"i8")
