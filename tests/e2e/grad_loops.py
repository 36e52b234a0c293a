# NumPy reference for grad_loops.tdl (independent of tdlc).
import numpy as np
from reference import emit, numgrad, tolerance
tolerance(1e-6, 1e-7)
E=lambda v: emit(v,"f64")
E([2.0,4.0])
def wv(x):
    y=x
    while y<10.0: y=y*2+np.sin(y)
    return y
E(numgrad(wv,[0.7],0))
def nested(x):
    acc=x.copy()
    for i in range(4):
        for j in range(i):
            acc=acc*0.9+np.sin(acc)*x[j%3]
    return np.sum(acc)
E(numgrad(nested,[np.array([0.1,0.2,0.3])],0))
def jl(x):
    y=x.copy()
    for i in range(3): y=y*x+1
    return y
x=np.array([0.5,-1.5]); t=np.array([1.0,2.0]); E(jl(x)); eps=1e-6; E((jl(x+eps*t)-jl(x-eps*t))/(2*eps))
eps=1e-4; E((wv(0.7+eps)-2*wv(0.7)+wv(0.7-eps))/eps**2)
