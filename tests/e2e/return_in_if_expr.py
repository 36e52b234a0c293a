from reference import emit

def g(x):
    if x > 0:
        return 1.0
    return x * 2.0

def fib(n):
    a, b = 0, 1
    for _ in range(n):
        a, b = b, a + b
    return a

emit(g(3.0), "f32")
emit(g(-3.0), "f32")
emit(fib(10), "i64")
emit(fib(0), "i64")
