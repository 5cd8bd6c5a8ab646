using Descent.Autodiff.Ops;

namespace Descent;

/// <summary>Differentiable operations, each implemented (forward and backward) in one file under
/// <c>Autodiff/Ops</c>: a node class, or an operator struct run by a generic node (<c>UnaryOp</c>, <c>BinaryOp</c>,
/// <c>RowOp</c>).</summary>
public partial class Tensor
{
    /// <summary>Element-wise hyperbolic tangent.</summary>
    public Tensor Tanh() => UnaryOp<TanhOp>.Forward(this);

    // ---------------- shape ----------------

    /// <summary>A view with another shape over the same storage (one dimension may be −1 and is inferred).
    /// Shares storage with this tensor; the gradient flows back unchanged.</summary>
    public Tensor Reshape(params ReadOnlySpan<int> shape) => ReshapeOp.Forward(this, shape);

    /// <summary>The transpose of a 2-D tensor (a new contiguous tensor).</summary>
    public Tensor Transpose() => TransposeOp.Forward(this);

    /// <summary>The transpose of a 2-D tensor; same as <see cref="Transpose"/>.</summary>
    public Tensor T() => TransposeOp.Forward(this);

    /// <summary>Permutes the axes (like <c>torch.permute</c>): output axis i is input axis <paramref name="axes"/>[i]. Copies.</summary>
    public Tensor Permute(params ReadOnlySpan<int> axes) => PermuteOp.Forward(this, axes);

    // ---------------- element-wise arithmetic (NumPy broadcasting) ----------------

    /// <summary>this + <paramref name="other"/>, broadcasting.</summary>
    public Tensor Add(Tensor other) => BinaryOp<AddOp>.Forward(this, other);

    /// <summary>this − <paramref name="other"/>, broadcasting.</summary>
    public Tensor Sub(Tensor other) => BinaryOp<SubOp>.Forward(this, other);

    /// <summary>this · <paramref name="other"/> element-wise, broadcasting.</summary>
    public Tensor Mul(Tensor other) => BinaryOp<MulOp>.Forward(this, other);

    /// <summary>this / <paramref name="other"/> element-wise, broadcasting.</summary>
    public Tensor Div(Tensor other) => BinaryOp<DivOp>.Forward(this, other);

    /// <summary>−this.</summary>
    public Tensor Neg() => UnaryOp<NegOp>.Forward(this);

    /// <summary>Element-wise sum, broadcasting.</summary>
    public static Tensor operator +(Tensor a, Tensor b) => BinaryOp<AddOp>.Forward(a, b);

    /// <summary>Adds a constant to every element.</summary>
    public static Tensor operator +(Tensor a, float b) => BinaryOp<AddOp>.Forward(a, Scalar(b));

    /// <summary>Adds a constant to every element.</summary>
    public static Tensor operator +(float a, Tensor b) => BinaryOp<AddOp>.Forward(Scalar(a), b);

    /// <summary>Element-wise difference, broadcasting.</summary>
    public static Tensor operator -(Tensor a, Tensor b) => BinaryOp<SubOp>.Forward(a, b);

    /// <summary>Subtracts a constant from every element.</summary>
    public static Tensor operator -(Tensor a, float b) => BinaryOp<SubOp>.Forward(a, Scalar(b));

    /// <summary>A constant minus every element.</summary>
    public static Tensor operator -(float a, Tensor b) => BinaryOp<SubOp>.Forward(Scalar(a), b);

    /// <summary>Element-wise product, broadcasting.</summary>
    public static Tensor operator *(Tensor a, Tensor b) => BinaryOp<MulOp>.Forward(a, b);

    /// <summary>Multiplies every element by a constant.</summary>
    public static Tensor operator *(Tensor a, float b) => BinaryOp<MulOp>.Forward(a, Scalar(b));

    /// <summary>Multiplies every element by a constant.</summary>
    public static Tensor operator *(float a, Tensor b) => BinaryOp<MulOp>.Forward(Scalar(a), b);

    /// <summary>Element-wise quotient, broadcasting.</summary>
    public static Tensor operator /(Tensor a, Tensor b) => BinaryOp<DivOp>.Forward(a, b);

    /// <summary>Divides every element by a constant.</summary>
    public static Tensor operator /(Tensor a, float b) => BinaryOp<DivOp>.Forward(a, Scalar(b));

    /// <summary>A constant divided by every element.</summary>
    public static Tensor operator /(float a, Tensor b) => BinaryOp<DivOp>.Forward(Scalar(a), b);

    /// <summary>Element-wise negation.</summary>
    public static Tensor operator -(Tensor a) => UnaryOp<NegOp>.Forward(a);

    // ---------------- element-wise functions ----------------

    /// <summary>Element-wise square.</summary>
    public Tensor Square() => UnaryOp<SquareOp>.Forward(this);

    /// <summary>Element-wise power with a constant exponent.</summary>
    public Tensor Pow(float exponent) => UnaryOp<PowOp>.Forward(this, new PowOp(exponent));

    /// <summary>Element-wise eˣ.</summary>
    public Tensor Exp() => UnaryOp<ExpOp>.Forward(this);

    /// <summary>Element-wise natural logarithm.</summary>
    public Tensor Log() => UnaryOp<LogOp>.Forward(this);

    /// <summary>Element-wise square root.</summary>
    public Tensor Sqrt() => UnaryOp<SqrtOp>.Forward(this);

    /// <summary>Element-wise max(x, 0).</summary>
    public Tensor Relu() => UnaryOp<ReluOp>.Forward(this);

    /// <summary>Element-wise logistic sigmoid 1 / (1 + e⁻ˣ).</summary>
    public Tensor Sigmoid() => UnaryOp<SigmoidOp>.Forward(this);

    /// <summary>Element-wise exact GELU, x·Φ(x) = ½x(1 + erf(x/√2)) (PyTorch's default, approximate='none').</summary>
    public Tensor Gelu() => UnaryOp<GeluOp>.Forward(this);

    // ---------------- reductions ----------------

    /// <summary>Sum of all elements (a 0-D tensor).</summary>
    public Tensor Sum() => SumOp.ForwardAll(this, mean: false);

    /// <summary>Sum along <paramref name="axis"/> (negative counts from the end); the axis is removed unless
    /// <paramref name="keepDim"/>.</summary>
    public Tensor Sum(int axis, bool keepDim = false) => SumOp.ForwardAxis(this, axis, keepDim, mean: false);

    /// <summary>Mean of all elements (a 0-D tensor).</summary>
    public Tensor Mean() => SumOp.ForwardAll(this, mean: true);

    /// <summary>Mean along <paramref name="axis"/>; the axis is removed unless <paramref name="keepDim"/>.</summary>
    public Tensor Mean(int axis, bool keepDim = false) => SumOp.ForwardAxis(this, axis, keepDim, mean: true);

    /// <summary>Softmax along <paramref name="axis"/> (numerically stable).</summary>
    public Tensor Softmax(int axis = -1) => RowOp<SoftmaxOp>.Forward(this, axis);

    /// <summary>Log-softmax along <paramref name="axis"/> (numerically stable).</summary>
    public Tensor LogSoftmax(int axis = -1) => RowOp<LogSoftmaxOp>.Forward(this, axis);

    // ---------------- linear algebra ----------------

    /// <summary>Matrix product: [m,k]·[k,n], [B,m,k]·[k,n] or [B,m,k]·[B,k,n].</summary>
    public Tensor MatMul(Tensor other) => MatMulOp.Forward(this, other);

    /// <summary>Matrix product of <paramref name="a"/> and <paramref name="b"/>; see <see cref="MatMul(Tensor)"/>.</summary>
    public static Tensor MatMul(Tensor a, Tensor b) => MatMulOp.Forward(a, b);

    /// <summary>Affine map y = x·Wᵀ + b for <paramref name="input"/> [..., in], <paramref name="weight"/> [out, in]
    /// and optional <paramref name="bias"/> [out] (PyTorch's F.linear), without materializing Wᵀ.</summary>
    public static Tensor Linear(Tensor input, Tensor weight, Tensor? bias = null) => LinearOp.Forward(input, weight, bias);
}
