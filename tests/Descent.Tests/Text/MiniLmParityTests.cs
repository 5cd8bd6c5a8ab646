using Descent.Optimizers;
using Descent.Autodiff;
using Descent.Nn;
using Descent.Text.Transformers;
using Descent.Onnx;
using Descent.Text;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Xunit.Abstractions;

namespace Descent.Tests.Text;

/// <summary>
/// Forward parity of Descent's BERT with ONNX Runtime running the same all-MiniLM-L6-v2 ONNX model: last hidden
/// state, masked-mean sentence embedding and pooler output within atol 1e-4, over short, long, truncated and
/// non-ASCII sentences batched with padding.
/// </summary>
[Trait("Category", "Parity")]
public sealed class MiniLmParityTests : IClassFixture<MiniLmParityTests.Fixture>
{
    private const float Atol = 1e-4f;

    private static readonly string[] Sentences =
    [
        "Hello world.",
        "Win a FREE iPhone now!!! Click http://spam.example.com to claim your $1000 prize before midnight.",
        "The quick brown fox jumps over the lazy dog, while the committee postpones its decision on the annual budget " +
        "until the auditors have reviewed every receipt from the conference in Lisbon, which took place last spring.",
        "Café naïve résumé — Zürich, 東京, Москва, emoji 😀 and ümlauts.",
    ];

    private readonly Fixture fixture;
    private readonly ITestOutputHelper output;

    public MiniLmParityTests(Fixture fixture, ITestOutputHelper output)
    {
        this.fixture = fixture;
        this.output = output;
    }

    [Fact]
    public void TokenizerProducesSpecialTokensPaddingAndMask()
    {
        var tok = MiniLm.CreateTokenizer(maxLength: 16);
        var batch = tok.Encode(Sentences);
        Assert.Equal(16, batch.SequenceLength);
        for (var b = 0; b < batch.BatchSize; b++)
        {
            var row = batch.InputIds.AsSpan(b * 16, 16);
            var mask = batch.AttentionMask.AsSpan(b * 16, 16);
            var n = mask.ToArray().Sum();
            Assert.Equal(tok.ClsId, row[0]);
            Assert.Equal(tok.SepId, row[n - 1]);
            for (var i = n; i < 16; i++)
            {
                Assert.Equal(tok.PadId, row[i]);
                Assert.Equal(0, mask[i]);
            }
        }

        // "hello world." in the uncased vocabulary: [CLS] hello world . [SEP]
        Assert.Equal([101, 7592, 2088, 1012, 102], tok.EncodeOne("Hello world."));
        // Lower-casing and accent stripping: "Café" tokenizes like "cafe".
        Assert.Equal(tok.EncodeOne("cafe"), tok.EncodeOne("Café"));
    }

    [Theory]
    [InlineData(128, KernelPath.Auto)] // all sentences fit; padded to the longest
    [InlineData(12, KernelPath.Auto)] // long ones truncated
    [InlineData(128, KernelPath.Simd)] // the fused attention and LayerNorm + residual kernels
    [InlineData(12, KernelPath.Simd)]
    [InlineData(128, KernelPath.Reference)] // the unfused ops (Auto runs the fused attention where AVX-512 is available)
    public void LastHiddenStatePooledAndPoolerMatchOnnxRuntime(int maxLength, KernelPath path)
    {
        var tok = MiniLm.CreateTokenizer(maxLength);
        var input = tok.Encode(Sentences);
        if (maxLength == 12)
        {
            Assert.Equal(12, input.SequenceLength);
        }

        var (ortHidden, ortPooler) = RunOrt(input);
        Tensor hidden, pooled, pooler;
        try
        {
            fixture.Model.UseKernelPath(path);
            using (Tape.NoGrad())
            {
                hidden = fixture.Model.Forward(input);
                pooled = Pooling.MaskedMean(hidden, input.MaskTensor());
                pooler = fixture.Model.Pooler.Forward(hidden);
            }
        }
        finally
        {
            fixture.Model.UseKernelPath(KernelPath.Auto);
        }

        var ortPooled = ReferenceMaskedMean(ortHidden, input);
        var dHidden = MaxAbsDiff(hidden.ToArray(), ortHidden);
        var dPooled = MaxAbsDiff(pooled.ToArray(), ortPooled);
        var dPooler = MaxAbsDiff(pooler.ToArray(), ortPooler);
        output.WriteLine($"max |diff| vs ONNX Runtime: hidden {dHidden:E3}, mean-pooled {dPooled:E3}, pooler {dPooler:E3}");
        Assert.True(dHidden <= Atol, $"last hidden state max |diff| = {dHidden:E3}");
        Assert.True(dPooled <= Atol, $"mean-pooled embedding max |diff| = {dPooled:E3}");
        Assert.True(dPooler <= Atol, $"pooler output max |diff| = {dPooler:E3}");
    }

    [Fact]
    public void ImporterRecoversTransposedMatMulWeightsByBiasName()
    {
        var state = BertOnnxImporter.ReadStateDict(fixture.Onnx);
        var expected = fixture.Model.NamedParameters().Select(p => p.Name).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(expected, state.Keys.Order(StringComparer.Ordinal).ToArray());
        Assert.Equal(22_713_216, fixture.Model.ParameterCount());
        Assert.Equal([1536, 384], state["encoder.layer.0.intermediate.dense.weight"].Shape.ToArray());
        Assert.Equal([384, 1536], state["encoder.layer.0.output.dense.weight"].Shape.ToArray());
    }

    private (float[] Hidden, float[] Pooler) RunOrt(BertInput input)
    {
        int[] dims = [input.BatchSize, input.SequenceLength];
        var inputs = new List<NamedOnnxValue>
        {
            NamedOnnxValue.CreateFromTensor("input_ids", new DenseTensor<long>(input.InputIds.Select(v => (long)v).ToArray(), dims)),
            NamedOnnxValue.CreateFromTensor("attention_mask", new DenseTensor<long>(input.AttentionMask.Select(v => (long)v).ToArray(), dims)),
            NamedOnnxValue.CreateFromTensor("token_type_ids", new DenseTensor<long>(input.TokenTypeIds.Select(v => (long)v).ToArray(), dims)),
        };
        using var results = fixture.Session.Run(inputs);
        var hidden = results.First(r => r.Name == "last_hidden_state").AsEnumerable<float>().ToArray();
        var pooler = results.First(r => r.Name == "924").AsEnumerable<float>().ToArray();
        return (hidden, pooler);
    }

    private static float[] ReferenceMaskedMean(float[] hidden, BertInput input)
    {
        int b = input.BatchSize, s = input.SequenceLength, h = hidden.Length / (b * s);
        var result = new float[b * h];
        for (var i = 0; i < b; i++)
        {
            var count = 0.0;
            var sums = new double[h];
            for (var j = 0; j < s; j++)
            {
                if (input.AttentionMask[(i * s) + j] == 0)
                {
                    continue;
                }

                count++;
                for (var k = 0; k < h; k++)
                {
                    sums[k] += hidden[(((i * s) + j) * h) + k];
                }
            }

            for (var k = 0; k < h; k++)
            {
                result[(i * h) + k] = (float)(sums[k] / count);
            }
        }

        return result;
    }

    private static float MaxAbsDiff(float[] a, float[] b)
    {
        Assert.Equal(b.Length, a.Length);
        var worst = 0f;
        for (var i = 0; i < a.Length; i++)
        {
            var d = Math.Abs(a[i] - b[i]);
            worst = float.IsNaN(d) ? float.PositiveInfinity : Math.Max(worst, d);
        }

        return worst;
    }

    /// <summary>The model, read once: Descent's import and an ONNX Runtime session.</summary>
    public sealed class Fixture : IDisposable
    {
        public Fixture()
        {
            using var stream = MiniLm.OpenModel();
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var bytes = buffer.ToArray();
            Onnx = OnnxModel.Parse(bytes);
            Model = MiniLm.LoadModel(Onnx);
            Model.Eval();
            Session = new InferenceSession(bytes);
        }

        public OnnxModel Onnx { get; }

        public BertModel Model { get; }

        public InferenceSession Session { get; }

        public void Dispose() => Session.Dispose();
    }
}
