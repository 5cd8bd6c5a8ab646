using Descent.Nn;

namespace Descent.Text.Transformers;

/// <summary>
/// BERT's input embeddings: word + position + token-type embeddings, then LayerNorm and dropout. Parameter names
/// follow Hugging Face (<c>word_embeddings.weight</c>, <c>position_embeddings.weight</c>,
/// <c>token_type_embeddings.weight</c>, <c>LayerNorm.weight</c>, <c>LayerNorm.bias</c>).
/// </summary>
public sealed class BertEmbeddings : Module
{
    /// <summary>Creates randomly initialized embeddings (N(0, 1) as <see cref="Embedding"/>; load weights to use them).</summary>
    public BertEmbeddings(BertConfig config, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        Config = config;
        WordEmbeddings = RegisterModule("word_embeddings", new Embedding(config.VocabSize, config.HiddenSize, rng));
        PositionEmbeddings = RegisterModule("position_embeddings", new Embedding(config.MaxPositions, config.HiddenSize, rng));
        TokenTypeEmbeddings = RegisterModule("token_type_embeddings", new Embedding(config.TypeVocabSize, config.HiddenSize, rng));
        LayerNorm = RegisterModule("LayerNorm", new LayerNorm(config.HiddenSize, config.LayerNormEps));
        Dropout = RegisterModule("dropout", new Dropout(config.HiddenDropout, rng));
    }

    /// <summary>The configuration.</summary>
    public BertConfig Config { get; }

    /// <summary>Token embedding table [vocab, hidden].</summary>
    public Embedding WordEmbeddings { get; }

    /// <summary>Absolute position embedding table [positions, hidden].</summary>
    public Embedding PositionEmbeddings { get; }

    /// <summary>Token-type embedding table [types, hidden].</summary>
    public Embedding TokenTypeEmbeddings { get; }

    /// <summary>The LayerNorm applied to the sum.</summary>
    public LayerNorm LayerNorm { get; }

    /// <summary>Dropout after the LayerNorm.</summary>
    public Dropout Dropout { get; }

    /// <summary>Embeds a batch: [B, S] ids → [B, S, hidden].</summary>
    public Tensor Forward(BertInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        int b = input.BatchSize, s = input.SequenceLength;
        if (s > Config.MaxPositions)
        {
            throw new ArgumentOutOfRangeException(nameof(input), s, $"sequence length exceeds the {Config.MaxPositions} positions");
        }

        var positions = new int[s];
        for (var i = 0; i < s; i++)
        {
            positions[i] = i;
        }

        var words = WordEmbeddings.Forward(CheckIds(input.InputIds, Config.VocabSize, "input id"), b, s);
        var types = TokenTypeEmbeddings.Forward(CheckIds(input.TokenTypeIds, Config.TypeVocabSize, "token type id"), b, s);
        var pos = PositionEmbeddings.Forward(positions, 1, s);
        return Dropout.Forward(LayerNorm.Forward(words + types + pos));
    }

    /// <summary>Embeds [B, S] token ids given as floats, with token type 0.</summary>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Forward(BertModel.InputFromTensor(input));
    }

    private static int[] CheckIds(int[] ids, int count, string what)
    {
        for (var i = 0; i < ids.Length; i++)
        {
            if ((uint)ids[i] >= (uint)count)
            {
                throw new ArgumentOutOfRangeException(nameof(ids), ids[i], $"{what} at {i} is not in [0, {count})");
            }
        }

        return ids;
    }
}
