# NumPy reference for grad_transforms.tdl (independent of tdlc).
import numpy as np
from reference import emit
E=lambda v: emit(v,"f64")
E([200,200,200])
x=np.array([1.0,2.0]); y=3.0
# vjp of (x*y, sum(x)*y*y) with (dx0, dy1)
c0=np.array([0.5,-1.0]); c1=2.0
E(c0*y + c1*y*y); E(np.sum(c0*x)+c1*np.sum(x)*2*y)
tx=np.array([0.1,0.2]); ty=0.5
E(x*y); E(np.sum(x)*y*y); E(tx*y+x*ty); E(np.sum(tx)*y*y+np.sum(x)*2*y*ty)
x3=np.array([1.0,2.0,-1.0]); v3=np.array([1.0,0.0,2.0])
g=3*x3**2+np.array([x3[1],x3[0],0]); E(g)
H=np.diag(6*x3); H[0,1]+=1; H[1,0]+=1; E(H@v3)
t=0.7; E(-np.sin(t)*t*t+4*t*np.cos(t)+2*np.sin(t))
xa=np.array([1.0,-2.0]); E(np.sum(xa*xa)*0.5); E(2*xa*0.5); E(np.sum(xa*xa))
# ties: JAX convention: max/min reductions split the gradient evenly among ties;
# elementwise maximum(x, y) at x == y gives 0.5 to each; abs'(0) = 0 (sign); relu'(0) = 0
gm=np.array([0,0.5,0.5,0]); gmin=np.array([0,0,0,1.0]); gmax2=np.array([0.5,1,1,0]); gabs=np.array([1,1,1,0.]); grelu=np.array([1,1,1,0.5])  # docs/autodiff.md: relu = max(x, 0) splits ties
E(gm+gmin+gmax2+gabs+grelu)
E([2.0,-1.0])
