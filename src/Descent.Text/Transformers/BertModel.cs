using System.Globalization;
using Descent.Nn;
using Descent.Optimizers;

namespace Descent.Text.Transformers;

/// <summary>
/// A BERT encoder (Hugging Face <c>BertModel</c>): <c>embeddings</c>, <c>encoder</c> and <c>pooler</c>, with the same
/// parameter names, so weights import by name (see <see cref="BertOnnxImporter"/>). <see cref="Forward(BertInput)"/>
/// returns the last hidden state [B, S, hidden]; <see cref="Pooling.MaskedMean"/> gives sentence-transformers'
/// sentence embedding and <see cref="Pooler"/> BERT's [CLS] pooler output.
/// </summary>
public sealed class BertModel : Module
{
    /// <summary>Creates a randomly initialized model.</summary>
    public BertModel(BertConfig config, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(rng);
        config.Validate();
        Config = config;
        Embeddings = RegisterModule("embeddings", new BertEmbeddings(config, rng));
        Encoder = RegisterModule("encoder", new BertEncoder(config, rng));
        Pooler = RegisterModule("pooler", new BertPooler(config, rng));
    }

    /// <summary>The configuration.</summary>
    public BertConfig Config { get; }

    /// <summary>Input embeddings.</summary>
    public BertEmbeddings Embeddings { get; }

    /// <summary>Encoder layers.</summary>
    public BertEncoder Encoder { get; }

    /// <summary>[CLS] pooler (tanh dense).</summary>
    public BertPooler Pooler { get; }

    /// <summary>The last hidden state [B, S, hidden] for a padded batch (padding keys are masked in attention).</summary>
    public Tensor Forward(BertInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var bias = BertSelfAttention.MaskBias(input.MaskTensor());
        return Encoder.Forward(Embeddings.Forward(input), bias);
    }

    /// <summary>
    /// The embedding output followed by every layer's output, <see cref="BertConfig.NumLayers"/> + 1 tensors [B, S, hidden]
    /// (Hugging Face's <c>output_hidden_states=True</c>); the last one is <see cref="Forward(BertInput)"/>.
    /// </summary>
    public IReadOnlyList<Tensor> HiddenStates(BertInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var bias = BertSelfAttention.MaskBias(input.MaskTensor());
        return Encoder.HiddenStates(Embeddings.Forward(input), bias);
    }

    /// <summary>Selects the kernels of every layer's attention (<see cref="BertSelfAttention.KernelPath"/>) and
    /// LayerNorm + residual + dropout (<see cref="BertResidualOutput.KernelPath"/>): fused (<see cref="KernelPath.Simd"/>)
    /// or the unfused ops (<see cref="KernelPath.Reference"/>); <see cref="KernelPath.Auto"/>, the default, is each module's faster choice.</summary>
    public void UseKernelPath(KernelPath path)
    {
        foreach (var (_, module) in NamedModules())
        {
            switch (module)
            {
                case BertSelfAttention attention:
                    attention.KernelPath = path;
                    break;
                case BertResidualOutput output:
                    output.KernelPath = path;
                    break;
            }
        }
    }

    /// <summary>The masked-mean sentence embedding [B, hidden] (sentence-transformers' mean pooling).</summary>
    public Tensor EncodeSentences(BertInput input) => Pooling.MaskedMean(Forward(input), input.MaskTensor());

    /// <summary>The last hidden state for [B, S] token ids given as floats (token type 0, no padding).</summary>
    public override Tensor Forward(Tensor input) => Forward(InputFromTensor(input));

    internal static BertInput InputFromTensor(Tensor ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Rank != 2)
        {
            throw new ArgumentException($"token ids must be [batch, length], got rank {ids.Rank}", nameof(ids));
        }

        var values = ids.Span;
        var result = new int[values.Length];
        for (var i = 0; i < result.Length; i++)
        {
            var v = values[i];
            if (v != MathF.Floor(v) || v < 0 || v > int.MaxValue)
            {
                throw new ArgumentOutOfRangeException(nameof(ids), v.ToString(CultureInfo.InvariantCulture), $"element {i} is not a token id");
            }

            result[i] = (int)v;
        }

        return new BertInput(ids.Shape[0], ids.Shape[1], result);
    }
}
