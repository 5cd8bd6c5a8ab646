using Descent.Nn;
using Descent.Text.Transformers;
using Descent.Tests.Autodiff;
using static Descent.Tests.Autodiff.Reference;

namespace Descent.Tests.Text.Transformers;

/// <summary>
/// Finite-difference gradient checks of the BERT building blocks against double-precision references written out
/// here: a full encoder layer with a padding mask (w.r.t. its input and every weight matrix and LayerNorm gain),
/// masked-mean pooling and the first-token selection.
/// </summary>
public sealed class BertGradientTests
{
    private static readonly BertConfig Tiny = new()
    {
        VocabSize = 13, HiddenSize = 4, NumLayers = 1, NumHeads = 2, IntermediateSize = 6, MaxPositions = 8,
        LayerNormEps = 1e-5, HiddenDropout = 0, AttentionDropout = 0,
    };

    private const int B = 2;
    private const int S = 3;

    // Sequence 0 is full, sequence 1 has one padded position.
    private static readonly float[] MaskValues = [1, 1, 1, 1, 1, 0];

    [Fact]
    public void EncoderLayerWithPaddingMaskMatchesReferenceAndGradients()
    {
        var rng = new Rng(3);
        var layer = new BertLayer(Tiny, rng);
        var mask = Tensor.FromArray(MaskValues, B, S);
        var bias = BertSelfAttention.MaskBias(mask);
        var x = GradCheck.Input(rng, -1, 1, B, S, 4);
        var self = layer.Attention.Self;
        Tensor[] inputs =
        [
            x, self.Query.Weight, self.Key.Weight, self.Value.Weight, layer.Attention.Output.Dense.Weight,
            layer.Attention.Output.LayerNorm.Weight!, layer.Intermediate.Dense.Weight, layer.Output.Dense.Weight,
            layer.Output.LayerNorm.Weight!,
        ];
        double[] Bias(Descent.Nn.Linear l) => l.Bias!.ToArray().Select(v => (double)v).ToArray();
        var bq = Bias(self.Query);
        var bk = Bias(self.Key);
        var bv = Bias(self.Value);
        var bo = Bias(layer.Attention.Output.Dense);
        var bi = Bias(layer.Intermediate.Dense);
        var bf = Bias(layer.Output.Dense);
        var beta1 = layer.Attention.Output.LayerNorm.Bias!.ToArray().Select(v => (double)v).ToArray();
        var beta2 = layer.Output.LayerNorm.Bias!.ToArray().Select(v => (double)v).ToArray();

        double[] Reference(double[][] p)
        {
            var h = p[0];
            var q = LinearRef(h, p[1], bq, B * S, 4, 4);
            var k = LinearRef(h, p[2], bk, B * S, 4, 4);
            var v = LinearRef(h, p[3], bv, B * S, 4, 4);
            var ctx = new double[B * S * 4];
            const int d = 2;
            for (var b = 0; b < B; b++)
            {
                for (var head = 0; head < 2; head++)
                {
                    for (var i = 0; i < S; i++)
                    {
                        var scores = new double[S];
                        for (var j = 0; j < S; j++)
                        {
                            var dot = 0.0;
                            for (var c = 0; c < d; c++)
                            {
                                dot += q[(((b * S) + i) * 4) + (head * d) + c] * k[(((b * S) + j) * 4) + (head * d) + c];
                            }

                            scores[j] = (dot / Math.Sqrt(d)) + ((1 - MaskValues[(b * S) + j]) * -10000.0);
                        }

                        var probs = Softmax(scores);
                        for (var c = 0; c < d; c++)
                        {
                            var sum = 0.0;
                            for (var j = 0; j < S; j++)
                            {
                                sum += probs[j] * v[(((b * S) + j) * 4) + (head * d) + c];
                            }

                            ctx[(((b * S) + i) * 4) + (head * d) + c] = sum;
                        }
                    }
                }
            }

            var attn = LayerNormRef(Add(LinearRef(ctx, p[4], bo, B * S, 4, 4), h), p[5], beta1, 4, 1e-5);
            var inter = Map(LinearRef(attn, p[6], bi, B * S, 4, 6), Gelu);
            return LayerNormRef(Add(LinearRef(inter, p[7], bf, B * S, 6, 4), attn), p[8], beta2, 4, 1e-5);
        }

        GradCheck.Assert(_ => layer.Forward(x, bias), Reference, inputs);
    }

    [Fact]
    public void MaskedMeanAndFirstTokenGradients()
    {
        var rng = new Rng(5);
        var mask = Tensor.FromArray(MaskValues, B, S);
        var h = GradCheck.Input(rng, -1, 1, B, S, 4);
        GradCheck.Assert(t => Pooling.MaskedMean(t[0], mask), x =>
        {
            var r = new double[B * 4];
            for (var b = 0; b < B; b++)
            {
                var n = 0.0;
                for (var s = 0; s < S; s++)
                {
                    n += MaskValues[(b * S) + s];
                    for (var c = 0; c < 4; c++)
                    {
                        r[(b * 4) + c] += x[0][(((b * S) + s) * 4) + c] * MaskValues[(b * S) + s];
                    }
                }

                for (var c = 0; c < 4; c++)
                {
                    r[(b * 4) + c] /= n;
                }
            }

            return r;
        }, h);

        var h2 = GradCheck.Input(rng, -1, 1, B, S, 4);
        GradCheck.Assert(t => Pooling.FirstToken(t[0]), x =>
            Enumerable.Range(0, B * 4).Select(i => x[0][((i / 4) * S * 4) + (i % 4)]).ToArray(), h2);
    }

    [Fact]
    public void PaddedPositionsDoNotChangeRealTokens()
    {
        var model = new BertModel(Tiny, new Rng(9));
        model.Eval();
        var full = new BertInput(1, 2, [5, 7], attentionMask: [1, 1]);
        var padded = new BertInput(1, 4, [5, 7, 0, 11], attentionMask: [1, 1, 0, 0]);
        var a = model.Forward(full).ToArray();
        var b = model.Forward(padded).ToArray();
        for (var i = 0; i < a.Length; i++)
        {
            Assert.Equal(a[i], b[i], 5e-6f);
        }

        var pooledA = model.EncodeSentences(full).ToArray();
        var pooledB = model.EncodeSentences(padded).ToArray();
        for (var i = 0; i < pooledA.Length; i++)
        {
            Assert.Equal(pooledA[i], pooledB[i], 5e-6f);
        }
    }

    private static double[] LinearRef(double[] x, double[] w, double[] bias, int n, int inF, int outF)
    {
        var y = new double[n * outF];
        for (var r = 0; r < n; r++)
        {
            for (var o = 0; o < outF; o++)
            {
                var s = bias[o];
                for (var i = 0; i < inF; i++)
                {
                    s += x[(r * inF) + i] * w[(o * inF) + i];
                }

                y[(r * outF) + o] = s;
            }
        }

        return y;
    }

    private static double[] Add(double[] a, double[] b) => a.Zip(b, (u, v) => u + v).ToArray();

    private static double[] LayerNormRef(double[] x, double[] gamma, double[] beta, int width, double eps)
    {
        var y = new double[x.Length];
        for (var r = 0; r < x.Length / width; r++)
        {
            var row = x.AsSpan(r * width, width);
            var mean = 0.0;
            foreach (var v in row)
            {
                mean += v;
            }

            mean /= width;
            var variance = 0.0;
            foreach (var v in row)
            {
                variance += (v - mean) * (v - mean);
            }

            variance /= width;
            for (var i = 0; i < width; i++)
            {
                y[(r * width) + i] = ((row[i] - mean) / Math.Sqrt(variance + eps) * gamma[i]) + beta[i];
            }
        }

        return y;
    }
}
