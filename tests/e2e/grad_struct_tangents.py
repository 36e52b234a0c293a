# NumPy reference for grad_struct_tangents.tdl (independent of tdlc).
import numpy as np
from reference import emit
E=lambda v: emit(v,"f64")
v=np.array([0.5,-1.0]); s=2.0; t0=1.5; t1=np.array([2.0,3.0])
# d fo / d o.i.v, d o.s ; d t.0, d t.1
E(t1*s*t0+np.exp(v)); E(np.sum(v*t1)*t0); E(np.sum(v*t1)*s); E(v*s*t0)
dv=np.array([1.0,2.0]); ds=0.5
E(dv*2*v); E(ds*np.cos(s))          # vjp
E(v*v); E(np.sin(s)); E(2*v*dv); E(np.cos(s)*ds)   # jvp value, tangent
a=np.array([0.3,-0.4]); m=np.array([[1.0,-2.0],[0.0,0.5]]); sig=lambda z:1/(1+np.exp(-z))
# mul2(a, a+1) with custom rule: da = dy*b*10 (via a) + dy*a (via b = a+1)
E((a+1)*10+a + 2*sig(a)); E(2*sig(m))
E([1.0,2.0,3.0])
