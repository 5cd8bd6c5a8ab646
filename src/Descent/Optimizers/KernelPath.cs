namespace Descent.Optimizers;

/// <summary>Which implementation of an optimizer's update runs.</summary>
public enum KernelPath
{
    /// <summary>The fastest path available on this machine (SIMD, multi-threaded for large buffers).</summary>
    Auto,

    /// <summary>The scalar reference loop: one element at a time, in the order of the documented update rule.</summary>
    Reference,

    /// <summary>The vectorized path (Vector512/256/128 with a scalar tail), even for small buffers.</summary>
    Simd,
}
