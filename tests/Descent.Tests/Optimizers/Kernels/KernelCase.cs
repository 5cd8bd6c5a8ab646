namespace Descent.Tests.Optimizers.Kernels;

/// <summary>Runs one fused kernel (reference or SIMD) on [offset, offset + length) of the given buffers.</summary>
public delegate void KernelRun(bool simd, float[] param, float[] grad, float[][] state, int offset, int length);

/// <summary>A kernel configuration under test: a name, how many state buffers it uses, and how to run it.</summary>
public sealed record KernelCase(string Name, int StateCount, KernelRun Run);
